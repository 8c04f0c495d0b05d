package io.fenceq.worker.internal;

import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.LaneBatch;
import io.fenceq.engine.LaneProcessor;
import java.util.concurrent.CompletableFuture;

/**
 * Where a receive loop hands lanes, and whose count of lanes in flight it polls by: the engine's
 * ({@link #of(LaneProcessor)}), so that the worker keeps no count of its own.
 */
public interface LaneSink {
  /**
   * Waits for room for one more lane and reserves it; see {@link LaneProcessor#reserveLane()}.
   *
   * @return the lanes of room there were, the reserved one included; 0 once stopping
   */
  int reserve() throws InterruptedException;

  /** Gives back one reservation. */
  void release();

  /** Starts one lane; the future completes when its messages are settled. */
  CompletableFuture<BatchOutcome> submit(LaneBatch lane);

  /** The engine's lanes and count. */
  static LaneSink of(LaneProcessor processor) {
    return new LaneSink() {
      @Override
      public int reserve() throws InterruptedException {
        return processor.reserveLane();
      }

      @Override
      public void release() {
        processor.releaseLaneReservation();
      }

      @Override
      public CompletableFuture<BatchOutcome> submit(LaneBatch lane) {
        return processor.submitLane(lane, null);
      }
    };
  }
}
