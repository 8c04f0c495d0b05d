package io.fenceq.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LaneSlotsTest {
  @Test
  void takesOneAndOverdrawsForExtraLanesUntilTheyComeBack() throws Exception {
    LaneSlots slots = new LaneSlots(2);

    assertThat(slots.acquireOne()).isTrue();
    slots.overdraw(3);
    assertThat(slots.free()).isEqualTo(-2);
    slots.release(3);
    assertThat(slots.acquireOne()).isTrue();
    assertThat(slots.free()).isZero();
  }

  @Test
  void aFullWorkerWaitsForALaneToFinish() throws Exception {
    LaneSlots slots = new LaneSlots(2);
    slots.acquireOne();
    slots.overdraw(2);
    try (var pool = Executors.newSingleThreadExecutor()) {
      CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(acquire(slots), pool);

      slots.release(1);
      assertThat(slots.free()).isZero();
      assertThat(waiting).isNotDone();
      slots.release(1);
      assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void closingWakesTheWaitersWithNothing() throws Exception {
    LaneSlots slots = new LaneSlots(1);
    slots.acquireOne();
    try (var pool = Executors.newSingleThreadExecutor()) {
      CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(acquire(slots), pool);

      slots.close();

      assertThat(waiting.get(10, TimeUnit.SECONDS)).isFalse();
      assertThat(slots.acquireOne()).isFalse();
    }
  }

  @Test
  void givingBackMoreThanWasTakenIsABug() {
    LaneSlots slots = new LaneSlots(4);

    assertThatThrownBy(() -> slots.release(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("releasing 1 lane slots would leave 5 of 4 free");
  }

  private static Supplier<Boolean> acquire(LaneSlots slots) {
    return () -> {
      try {
        return slots.acquireOne();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
