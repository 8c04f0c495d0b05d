package io.fenceq.local.lambda.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Lets one batch per message group run at a time. SQS already withholds a group while one of its
 * messages is in flight; the gate covers what SQS cannot see: a group whose messages came back
 * (their visibility ran out, or the function shortened it) while the invocation that holds them is
 * still running.
 *
 * <p>A batch takes all its groups at once or waits, so two batches never hold one group each while
 * waiting for the other's.
 */
public final class GroupGate {
  private static final long RECHECK_MILLIS = 100;

  private final Set<String> held = new HashSet<>();

  /**
   * Takes {@code groups} once none of them is held, or gives up when {@code abandon} turns true.
   *
   * @return true if the groups were taken; the caller then must {@link #release} them
   * @throws InterruptedException if interrupted while waiting; nothing is taken
   */
  public synchronized boolean acquire(Collection<String> groups, BooleanSupplier abandon)
      throws InterruptedException {
    while (anyHeld(groups)) {
      if (abandon.getAsBoolean()) {
        return false;
      }
      TimeUnit.MILLISECONDS.timedWait(this, RECHECK_MILLIS);
    }
    held.addAll(groups);
    return true;
  }

  /** Takes {@code groups} if none of them is held; never waits. */
  public synchronized boolean tryAcquire(Collection<String> groups) {
    if (anyHeld(groups)) {
      return false;
    }
    held.addAll(groups);
    return true;
  }

  public synchronized void release(Collection<String> groups) {
    held.removeAll(groups);
    notifyAll();
  }

  /** The groups held now. */
  public synchronized Set<String> held() {
    return Set.copyOf(held);
  }

  private boolean anyHeld(Collection<String> groups) {
    for (String group : groups) {
      if (held.contains(group)) {
        return true;
      }
    }
    return false;
  }
}
