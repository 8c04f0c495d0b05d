package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RingPointsTest {

  @Test
  void ordersPointsAsUnsignedNumbers() {
    long[] hashes = {-1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 0L};
    short[] owners = {0, 1, 2, 3, 4};

    RingPoints sorted = RingPoints.fromPlaced(hashes, owners);

    // Unsigned: 0 < 1 < MAX_VALUE < MIN_VALUE < -1; stored with the sign bit flipped.
    assertThat(sorted.points())
        .containsExactly(
            0L ^ Long.MIN_VALUE,
            1L ^ Long.MIN_VALUE,
            Long.MAX_VALUE ^ Long.MIN_VALUE,
            0L,
            -1L ^ Long.MIN_VALUE);
    assertThat(sorted.owners())
        .containsExactly((short) 4, (short) 1, (short) 3, (short) 2, (short) 0);
  }

  @Test
  void equalPointsGoToTheLowerLane() {
    long[] hashes = {50L, 7L, 50L, 50L, 7L, 9L};
    short[] owners = {0, 0, 1, 2, 2, 3};

    RingPoints sorted = RingPoints.fromPlaced(hashes, owners);

    assertThat(sorted.points())
        .containsExactly(7L ^ Long.MIN_VALUE, 9L ^ Long.MIN_VALUE, 50L ^ Long.MIN_VALUE);
    assertThat(sorted.owners()).containsExactly((short) 0, (short) 3, (short) 0);
  }

  @Test
  void sortsEveryDigitOfTheHash() {
    // Distinct values differing only in one 16-bit digit each, listed out of order.
    long[] hashes = {0x0001_0000_0000_0000L, 0x0000_0001_0000_0000L, 0x0000_0000_0001_0000L, 1L};
    short[] owners = {0, 1, 2, 3};

    RingPoints sorted = RingPoints.fromPlaced(hashes, owners);

    assertThat(sorted.owners()).containsExactly((short) 3, (short) 2, (short) 1, (short) 0);
  }
}
