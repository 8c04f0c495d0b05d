package io.fenceq.local.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import java.time.Duration;

/** How one invocation of the function ended, as the event source sees it. */
public sealed interface InvocationResult {
  /** The function returned this response, which may be null, within its timeout. */
  record Returned(SQSBatchResponse response) implements InvocationResult {}

  /** The function threw. */
  record Threw(Throwable error) implements InvocationResult {}

  /** The function was still running when its timeout ran out. */
  record TimedOut(Duration timeout) implements InvocationResult {}
}
