package io.fenceq.bench.redlock;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The faults of one worker: while a hold is on, everything it sends to its stores waits (the TCP
 * proxies in front of Redis and this interceptor on its DynamoDB client), as during a partition
 * that heals or a process pause: requests already decided on arrive late, after the hold.
 */
final class Faults implements ExecutionInterceptor {
  private volatile long holdUntil = System.nanoTime();

  /** Holds all of the worker's traffic for {@code d} from now. */
  void hold(Duration d) {
    holdUntil = System.nanoTime() + d.toNanos();
  }

  /** Waits while a hold is on. */
  void awaitClear() {
    long left;
    while ((left = holdUntil - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    awaitClear();
  }
}
