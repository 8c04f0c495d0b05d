package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RingBalanceTest {

  @Test
  void summarizesKeysPerLane() {
    RingBalance balance = RingBalance.fromCounts(6, new int[] {1, 2, 3});

    assertThat(balance.keys()).isEqualTo(6);
    assertThat(balance.lanes()).isEqualTo(3);
    assertThat(balance.minKeys()).isEqualTo(1);
    assertThat(balance.maxKeys()).isEqualTo(3);
    assertThat(balance.meanKeys()).isEqualTo(2.0);
    assertThat(balance.maxOverMean()).isEqualTo(1.5);
    assertThat(balance.minOverMean()).isEqualTo(0.5);
    // Population standard deviation sqrt(2/3) over the mean 2.
    assertThat(balance.coefficientOfVariation()).isCloseTo(Math.sqrt(2.0 / 3) / 2, within(1e-12));
  }

  @Test
  void aLaneWithoutKeysCountsAsZero() {
    RingBalance balance = RingBalance.fromCounts(4, new int[] {4, 0});

    assertThat(balance.minKeys()).isZero();
    assertThat(balance.minOverMean()).isZero();
    assertThat(balance.maxOverMean()).isEqualTo(2.0);
    assertThat(balance.coefficientOfVariation()).isEqualTo(1.0);
  }

  @Test
  void oneLaneTakesEveryKey() {
    RingBalance balance = RingBalance.measure(HashRing.of(1), 1000);

    assertThat(balance).isEqualTo(new RingBalance(1000, 1, 1000, 1000, 1000.0, 1.0, 1.0, 0.0));
  }

  @Test
  void countsTheSyntheticKeysOnTheRingsOwnLanes() {
    HashRing ring = HashRing.builder().lanes(Set.of(new Lane(3), new Lane(900))).build();
    int onThree = 0;
    for (int i = 0; i < 5000; i++) {
      if (ring.laneFor("key-" + i).equals(new Lane(3))) {
        onThree++;
      }
    }

    RingBalance balance = RingBalance.measure(ring, 5000);

    assertThat(balance.lanes()).isEqualTo(2);
    assertThat(balance.minKeys()).isEqualTo(Math.min(onThree, 5000 - onThree));
    assertThat(balance.maxKeys()).isEqualTo(Math.max(onThree, 5000 - onThree));
  }

  @Test
  void isDeterministic() {
    assertThat(RingBalance.measure(HashRing.of(64), 50_000))
        .isEqualTo(RingBalance.measure(HashRing.of(64), 50_000));
  }

  @Test
  void defaultRingMeetsTheBalanceTarget() {
    // The figure the default virtual nodes were chosen by: busiest lane within 10% of the mean.
    RingBalance balance = RingBalance.measure(HashRing.of(256), 1_000_000);

    assertThat(balance.maxOverMean()).isLessThanOrEqualTo(1.10);
    assertThat(balance.minOverMean()).isGreaterThanOrEqualTo(0.90);
  }

  @Test
  void rejectsNoKeys() {
    assertThatThrownBy(() -> RingBalance.measure(HashRing.of(4), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keys must be at least 1, got 0");
  }
}
