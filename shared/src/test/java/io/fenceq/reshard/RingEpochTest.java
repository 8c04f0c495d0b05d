package io.fenceq.reshard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.Lane;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RingEpochTest {
  @Test
  void nextListsEveryOldLaneAndClearingRemovesOne() {
    RingEpoch next = RingEpoch.initial(3).next(5);

    assertThat(next).isEqualTo(new RingEpoch(1, 5, 3, new TreeSet<>(java.util.List.of(0, 1, 2))));
    assertThat(next.pending(new Lane(1))).isTrue();
    assertThat(next.cleared(new Lane(1)).pending()).containsExactly(0, 2);
    assertThat(next.cleared(new Lane(0)).cleared(new Lane(1)).cleared(new Lane(2)).resharding())
        .isFalse();
  }

  @Test
  void refusesASameSizeReshardAndAPendingLaneOutsideThePreviousRing() {
    assertThatThrownBy(() -> RingEpoch.initial(3).next(3))
        .isInstanceOf(ReshardException.class)
        .hasMessage("the ring already has 3 lanes at epoch 0");
    assertThatThrownBy(() -> new RingEpoch(1, 5, 3, new TreeSet<>(java.util.List.of(3))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lane 3 is not a lane of the previous ring of 3 lanes");
    assertThatThrownBy(() -> RingEpoch.initial(3).next(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lanes must be between 1 and 10000, got 0");
  }
}
