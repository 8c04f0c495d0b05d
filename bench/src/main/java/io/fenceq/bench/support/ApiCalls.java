package io.fenceq.bench.support;

import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Counts every call a client makes, whatever the operation: on AWS each is a round trip and a
 * billed request, which is what the emulators' CPU time does not show.
 */
public final class ApiCalls implements ExecutionInterceptor {
  private final LongAdder calls = new LongAdder();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    calls.increment();
  }

  /** Calls so far. */
  public long count() {
    return calls.sum();
  }
}
