package io.fenceq.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReceiveSizerTest {
  private final ReceiveSizer sizer = new ReceiveSizer(10);

  @Test
  void atFirstAsksForOneMessagePerFreeSlotWithinOneToTen() {
    assertThat(sizer.ask(3)).isEqualTo(3);
    assertThat(sizer.ask(0)).isEqualTo(1);
    assertThat(sizer.ask(40)).isEqualTo(10);
  }

  @Test
  void fullReceivesFromOneLaneGrowTheAskToAFullBatchEvenWithOneSlotFree() {
    // A deep lane seen through a one-message window: 1, then 2, 4, 8, 10.
    int ask = sizer.ask(1);
    for (int expected : new int[] {1, 2, 4, 8, 10, 10}) {
      assertThat(ask).isEqualTo(expected);
      sizer.observed(ask, ask, 1);
      ask = sizer.ask(1);
    }
  }

  @Test
  void receivesOfOneMessagePerLaneBringTheAskBackToTheFreeSlots() {
    sizer.observed(10, 10, 1);
    assertThat(sizer.ask(1)).isEqualTo(10);

    for (int i = 0; i < 8; i++) {
      sizer.observed(10, 10, 10);
    }

    assertThat(sizer.ask(1)).isEqualTo(1);
    assertThat(sizer.ask(5)).isEqualTo(5);
  }

  @Test
  void aShortReceiveTeachesTheLanesItsMessagesCameFrom() {
    sizer.observed(10, 6, 2); // three per lane, not full: that is the queue's shape

    assertThat(sizer.messagesPerLane()).isEqualTo(2.0);
    assertThat(sizer.ask(2)).isEqualTo(4);
  }

  @Test
  void anEmptyReceiveChangesNothing() {
    sizer.observed(10, 10, 1);

    sizer.observed(10, 0, 0);

    assertThat(sizer.messagesPerLane()).isEqualTo(10.0);
  }

  @Test
  void aBatchLimitBelowOneIsRefused() {
    assertThatThrownBy(() -> new ReceiveSizer(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a receive must ask for at least 1 message, got 0");
  }
}
