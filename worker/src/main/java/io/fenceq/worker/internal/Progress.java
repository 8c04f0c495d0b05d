package io.fenceq.worker.internal;

import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.worker.WorkerProgress;
import java.util.concurrent.atomic.LongAdder;

/** Counts what became of the messages a worker received. Thread-safe. */
public final class Progress {
  private final LongAdder batches = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder done = new LongAdder();
  private final LongAdder returned = new LongAdder();
  private final LongAdder lost = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();

  public void received(int n) {
    batches.increment();
    received.add(n);
  }

  public void settled(BatchOutcome outcome) {
    done.add(outcome.count(Status.DONE));
    returned.add(outcome.count(Status.RETURNED));
    lost.add(outcome.count(Status.LOST));
    deadLettered.add(outcome.count(Status.DEAD_LETTERED));
  }

  public WorkerProgress snapshot(int lanesInFlight) {
    return new WorkerProgress(
        batches.sum(),
        received.sum(),
        done.sum(),
        returned.sum(),
        lost.sum(),
        deadLettered.sum(),
        lanesInFlight);
  }
}
