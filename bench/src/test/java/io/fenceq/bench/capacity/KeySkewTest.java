package io.fenceq.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KeySkewTest {
  @Test
  void uniformKeysShareEqually() {
    KeySkew skew = new KeySkew(1_000, 0);
    assertThat(skew.hottestKeyShare()).isCloseTo(0.001, within(1e-12));
    assertThat(skew.share(1_000)).isCloseTo(0.001, within(1e-12));
  }

  @Test
  void zipfSharesSumToOneAndFallWithRank() {
    KeySkew skew = new KeySkew(500, 1.1);
    double sum = 0;
    for (int rank = 1; rank <= 500; rank++) {
      sum += skew.share(rank);
    }
    assertThat(sum).isCloseTo(1, within(1e-9));
    assertThat(skew.share(1)).isGreaterThan(skew.share(2));
    assertThat(skew.share(2) / skew.share(1)).isCloseTo(Math.pow(2, -1.1), within(1e-12));
  }

  @Test
  void theHottestLaneIsTheHotKeyPlusAnEvenShareOfTheRest() {
    KeySkew skew = new KeySkew(100, 1);
    double hot = skew.hottestKeyShare();
    assertThat(skew.hottestLaneShare(10)).isCloseTo(hot + (1 - hot) / 10, within(1e-12));
    assertThat(skew.hottestLaneShare(1)).isCloseTo(1, within(1e-12));
  }

  @Test
  void aKeyAloneOnItsLaneCoalescesTheWholeBatchAndARareKeyNothing() {
    assertThat(KeySkew.jobsPerWrite(1, 10)).isEqualTo(10);
    assertThat(KeySkew.jobsPerWrite(0, 10)).isEqualTo(1);
    // half the lane: a batch of 10 holds 5 of its jobs in 0.5 + 9 * 0.25 = 2.75 runs
    assertThat(KeySkew.jobsPerWrite(0.5, 10)).isCloseTo(5 / 2.75, within(1e-12));
  }

  @Test
  void coalescedWritesPerJobLieBetweenATenthAndOne() {
    assertThat(new KeySkew(1, 0).coalescedWritesPerJob(256, 10)).isCloseTo(0.1, within(1e-12));
    double many = new KeySkew(100_000, 0).coalescedWritesPerJob(256, 10);
    assertThat(many).isGreaterThan(0.99).isLessThanOrEqualTo(1);
    double skewed = new KeySkew(100_000, 1.1).coalescedWritesPerJob(256, 10);
    assertThat(skewed).isBetween(0.1, many);
  }

  @Test
  void refusesARankOutsideTheKeys() {
    assertThatThrownBy(() -> new KeySkew(10, 1).share(11))
        .hasMessageContaining("rank must be 1 to 10");
  }
}
