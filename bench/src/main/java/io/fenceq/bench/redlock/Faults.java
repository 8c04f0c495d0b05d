package io.fenceq.bench.redlock;

import io.fenceq.testing.faults.FaultProxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The faults of one worker: while a hold is on, everything it sends to its stores waits (its {@link
 * FaultProxy} proxies in front of Redis, held then delivering, and this interceptor on its DynamoDB
 * client), as during a partition that heals or a process pause: requests already decided on arrive
 * late, after the hold.
 */
final class Faults implements ExecutionInterceptor {
  private final List<FaultProxy> proxies = new CopyOnWriteArrayList<>();
  private volatile long holdUntil = System.nanoTime();

  /**
   * A proxy on a loopback port in front of the server on {@code port} whose bytes wait under this
   * worker's holds; the caller closes it.
   */
  FaultProxy proxy(String name, int port) {
    FaultProxy proxy = FaultProxy.start(name, URI.create("tcp://127.0.0.1:" + port));
    proxies.add(proxy);
    long left = holdUntil - System.nanoTime();
    if (left > 0) {
      proxy.holdFor(Duration.ofNanos(left));
    }
    return proxy;
  }

  /** Holds all of the worker's traffic for {@code d} from now. */
  void hold(Duration d) {
    holdUntil = System.nanoTime() + d.toNanos();
    for (FaultProxy proxy : proxies) {
      proxy.holdFor(d);
    }
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
