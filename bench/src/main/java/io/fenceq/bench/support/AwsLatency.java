package io.fenceq.bench.support;

import java.time.Duration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Adds a fixed round trip to every request a client sends, as AWS's network would: on the emulators
 * CPU dominates, on AWS the round trips do, and a design that saves calls only shows it with them.
 */
public final class AwsLatency implements ExecutionInterceptor {
  private final Duration delay;

  public AwsLatency(Duration delay) {
    this.delay = delay;
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
