package io.fenceq.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

class CostPropertiesTest {
  private static final double SLACK = 1e-9;

  private static CostModel at(double rate, int lanes) {
    Load load = Load.defaults().withJobsPerSecond(rate).withLanes(lanes);
    return new CostModel(load, new KeySkew(1_000, 1.1));
  }

  /**
   * Not for fenceq: once its lanes run lane-batches back to back, a higher rate grows the batches
   * and cuts the lane-batches per second, so a month can cost a little less at a higher rate.
   */
  @Property(tries = 200)
  void aMonthOfAPerJobLockOrRedlockCostsMoreAtAHigherRate(
      @ForAll @DoubleRange(min = 1, max = 20_000) double rate,
      @ForAll @DoubleRange(min = 1.01, max = 10) double factor,
      @ForAll @IntRange(min = 1, max = 4_096) int lanes) {
    for (int i = 2; i < 5; i++) {
      double low = at(rate, lanes).designs().get(i).usdPerMonth(rate);
      double high = at(rate * factor, lanes).designs().get(i).usdPerMonth(rate * factor);
      assertThat(high).isGreaterThan(low);
    }
  }

  @Property(tries = 200)
  void aJobNeverCostsMoreAtAHigherRate(
      @ForAll @DoubleRange(min = 1, max = 20_000) double rate,
      @ForAll @DoubleRange(min = 1.01, max = 10) double factor,
      @ForAll @IntRange(min = 1, max = 4_096) int lanes) {
    for (int i = 0; i < 5; i++) {
      double low = at(rate, lanes).designs().get(i).usdPerMillionJobs(rate);
      double high = at(rate * factor, lanes).designs().get(i).usdPerMillionJobs(rate * factor);
      assertThat(high).isLessThanOrEqualTo(low + SLACK);
    }
  }

  @Property(tries = 200)
  void fewerLanesNeverMakeAJobDearer(
      @ForAll @DoubleRange(min = 1, max = 20_000) double rate,
      @ForAll @IntRange(min = 1, max = 2_048) int lanes) {
    double fewer = at(rate, lanes).fenceq(false).usdPerMillionJobs(rate);
    double more = at(rate, lanes * 2).fenceq(false).usdPerMillionJobs(rate);
    assertThat(fewer).isLessThanOrEqualTo(more + SLACK);
  }
}
