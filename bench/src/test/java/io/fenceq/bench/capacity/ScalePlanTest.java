package io.fenceq.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScalePlanTest {
  @Test
  void lanesAreTwiceTheLaneBatchesInFlightRoundedToAPowerOfTwo() {
    // no hot key to speak of: 3,000 jobs/s at 100 jobs/s a lane is 30 in flight, 60 lanes -> 64
    assertThat(ScalePlan.lanesFor(3_000, 0, 30, 200)).isEqualTo(64);
    assertThat(ScalePlan.powerOfTwoAtLeast(1)).isEqualTo(1);
    assertThat(ScalePlan.powerOfTwoAtLeast(65)).isEqualTo(128);
  }

  @Test
  void aHotKeyOverItsLaneLeavesNoLaneCountThatHelps() {
    assertThat(ScalePlan.lanesFor(1_000, 0.2, 10, 200)).isZero();
  }

  @Test
  void aHotKeyNeedsLanesEnoughToThinTheRestOfItsLane() {
    // 100 + 900 / L <= 160 -> L >= 15 -> 16
    assertThat(ScalePlan.lanesFor(1_000, 0.1, 1, 200)).isEqualTo(16);
  }

  @Test
  void tenThousandUniformJobsPerSecondNeedHighThroughputModeOrSeveralQueues() {
    Load load = new Load(10_000, 100_000, 0, 256, Double.NaN, Double.NaN, 2, 8, 5, 30, 5, 0.206);
    ScalePlan plan = ScalePlan.of(load, new KeySkew(100_000, 0));
    assertThat(plan.lanes()).isPositive();
    assertThat(plan.queuesHighThroughput()).isEqualTo(1);
    assertThat(plan.queuesWithoutHighThroughput()).isGreaterThan(4);
    assertThat(plan.secondsToScanWindow()).isInfinite();
    assertThat(plan.hotItemWriteUnits()).isLessThan(1_000);
  }

  @Test
  void aBadSettingIsRefusedByName() {
    assertThatThrownBy(() -> new Load(0, 10, 0, 256, Double.NaN, Double.NaN, 2, 8, 5, 30, 5, 0.2))
        .hasMessage("--jobs-per-second must be above 0, at most 10,000,000, got 0.0");
    assertThatThrownBy(() -> new Load(10, 10, 0, 256, Double.NaN, Double.NaN, 2, 8, 5, 30, 4, 0.2))
        .hasMessageStartingWith("--redlock-nodes must be an odd number");
  }
}
