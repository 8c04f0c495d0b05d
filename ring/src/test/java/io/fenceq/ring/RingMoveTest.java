package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RingMoveTest {

  @Test
  void idealForAddedLanesIsTheirShareOfTheNewRing() {
    assertThat(RingMove.idealFraction(HashRing.of(16), HashRing.of(17))).isEqualTo(1.0 / 17);
    assertThat(RingMove.idealFraction(HashRing.of(256), HashRing.of(257))).isEqualTo(1.0 / 257);
    assertThat(RingMove.idealFraction(HashRing.of(16), HashRing.of(20))).isEqualTo(4.0 / 20);
  }

  @Test
  void idealForRemovedLanesIsTheirShareOfTheOldRing() {
    assertThat(RingMove.idealFraction(HashRing.of(16), HashRing.of(12))).isEqualTo(4.0 / 16);
    HashRing full = HashRing.of(8);
    assertThat(RingMove.idealFraction(full, full.withoutLane(new Lane(3)))).isEqualTo(1.0 / 8);
  }

  @Test
  void countsKeysThatChangeLanes() {
    HashRing before = HashRing.of(16);
    HashRing after = HashRing.of(17);
    int moved = 0;
    for (int i = 0; i < 20_000; i++) {
      if (!before.laneFor("key-" + i).equals(after.laneFor("key-" + i))) {
        moved++;
      }
    }

    RingMove move = RingMove.between(before, after, 20_000);

    assertThat(move.keys()).isEqualTo(20_000);
    assertThat(move.movedKeys()).isEqualTo(moved);
    assertThat(move.movedFraction()).isEqualTo(moved / 20_000.0);
    assertThat(move.movedOverIdeal()).isCloseTo(move.movedFraction() * 17, within(1e-9));
  }

  @Test
  void defaultRingMovesAboutTheIdealWhenALaneIsAdded() {
    RingMove move = RingMove.between(HashRing.of(256), HashRing.of(257), 1_000_000);

    assertThat(move.movedOverIdeal()).isBetween(0.90, 1.10);
  }

  @Test
  void nothingMovesBetweenEqualRings() {
    RingMove move = RingMove.between(HashRing.of(8), HashRing.of(8), 1000);

    assertThat(move.movedKeys()).isZero();
    assertThat(move.idealFraction()).isZero();
    assertThat(move.movedOverIdeal()).isEqualTo(1.0);
  }

  @Test
  void changingOnlyVirtualNodesMovesKeysNoneNeededToMove() {
    HashRing coarse = HashRing.builder().lanes(8).virtualNodes(16).build();

    RingMove move = RingMove.between(coarse, HashRing.of(8), 1000);

    assertThat(move.movedKeys()).isPositive();
    assertThat(move.movedOverIdeal()).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void rejectsNoKeys() {
    assertThatThrownBy(() -> RingMove.between(HashRing.of(2), HashRing.of(3), -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keys must be at least 1, got -5");
  }
}
