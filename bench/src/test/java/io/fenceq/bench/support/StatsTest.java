package io.fenceq.bench.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(Stats.median(List.of())).isNaN();
  }

  @Test
  void maxAndQuantile() {
    List<Double> v = List.of(5.0, 1.0, 9.0, 3.0);
    assertThat(Stats.max(v)).isEqualTo(9.0);
    assertThat(Stats.quantile(v, 0.5)).isEqualTo(3.0);
    assertThat(Stats.quantile(v, 1.0)).isEqualTo(9.0);
  }
}
