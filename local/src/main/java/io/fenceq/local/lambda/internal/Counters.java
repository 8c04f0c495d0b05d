package io.fenceq.local.lambda.internal;

import io.fenceq.local.lambda.EventSourceProgress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The running totals behind {@link EventSourceProgress}; thread-safe. */
public final class Counters {
  final LongAdder invocations = new LongAdder();
  final LongAdder records = new LongAdder();
  final LongAdder succeeded = new LongAdder();
  final LongAdder deleted = new LongAdder();
  final LongAdder itemFailures = new LongAdder();
  final LongAdder failedInvocations = new LongAdder();
  final LongAdder deleteFailures = new LongAdder();
  final AtomicInteger inFlight = new AtomicInteger();

  public EventSourceProgress snapshot() {
    return new EventSourceProgress(
        invocations.sum(),
        records.sum(),
        succeeded.sum(),
        deleted.sum(),
        itemFailures.sum(),
        failedInvocations.sum(),
        deleteFailures.sum(),
        inFlight.get());
  }
}
