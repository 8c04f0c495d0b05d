package io.fenceq.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LaneSlotsTest {
  @Test
  void takesAtMostWhatIsFreeAndGetsItBack() throws Exception {
    LaneSlots slots = new LaneSlots(16);

    assertThat(slots.acquireUpTo(10)).isEqualTo(10);
    assertThat(slots.acquireUpTo(10)).isEqualTo(6);
    assertThat(slots.free()).isZero();
    slots.release(9);
    assertThat(slots.acquireUpTo(10)).isEqualTo(9);
  }

  @Test
  void aFullWorkerWaitsForALaneToFinish() throws Exception {
    LaneSlots slots = new LaneSlots(2);
    slots.acquireUpTo(10);
    try (var pool = Executors.newSingleThreadExecutor()) {
      CompletableFuture<Integer> waiting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return slots.acquireUpTo(10);
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              pool);

      assertThat(waiting).isNotDone();
      slots.release(1);
      assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
  }

  @Test
  void closingWakesTheWaitersWithNothing() throws Exception {
    LaneSlots slots = new LaneSlots(1);
    slots.acquireUpTo(1);
    try (var pool = Executors.newSingleThreadExecutor()) {
      CompletableFuture<Integer> waiting =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return slots.acquireUpTo(10);
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              },
              pool);

      slots.close();

      assertThat(waiting.get(10, TimeUnit.SECONDS)).isZero();
      assertThat(slots.acquireUpTo(1)).isZero();
    }
  }

  @Test
  void givingBackMoreThanWasTakenIsABug() {
    LaneSlots slots = new LaneSlots(4);

    assertThatThrownBy(() -> slots.release(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("releasing 1 lane slots would leave 5 of 4 free");
  }
}
