package io.fenceq.lease.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The background thread both leader electors run, and its lifecycle: a named daemon thread that
 * runs election rounds and waits between them as each round says; a lock the elector's own
 * mechanics hold; a close that is idempotent, wakes the thread, waits for it within a time limit
 * and keeps the caller's interrupt. Each elector keeps only what a round does: acquire, renew,
 * release.
 *
 * <p>The wait between rounds is a {@link Condition} wait, so that {@link #close()} ends it at once;
 * rounds measure time with the elector's injected ticker or clock, and tests drive rounds directly.
 */
public final class ElectionLoop {
  private final Logger log;
  private final String description;
  private final String threadName;
  private final String logContext;
  private final Duration waitAfterFailure;
  private final Duration joinLimit;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wakeUp = lock.newCondition();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Thread thread;

  /**
   * @param log the elector's logger, so that the loop's lines stay under the elector's name
   * @param description how errors name the elector, e.g. {@code leader elector leader#nightly}
   * @param threadName the round thread's name
   * @param logContext the key=value pairs that name the elector in the loop's log lines
   * @param waitAfterFailure the wait before the next round after a round threw
   * @param joinLimit how long {@link #close()} waits for the thread, before and after interrupting
   *     it
   */
  public ElectionLoop(
      Logger log,
      String description,
      String threadName,
      String logContext,
      Duration waitAfterFailure,
      Duration joinLimit) {
    this.log = log;
    this.description = description;
    this.threadName = threadName;
    this.logContext = logContext;
    this.waitAfterFailure = waitAfterFailure;
    this.joinLimit = joinLimit;
  }

  /** The lock the elector's rounds, its one-shot runs and its release on close hold. */
  public ReentrantLock lock() {
    return lock;
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Whether {@link #start} was called: rounds then run on the thread. */
  public boolean isStarted() {
    return thread != null;
  }

  /**
   * @throws IllegalStateException naming the elector if it is closed
   */
  public void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException(description + " is closed");
    }
  }

  /**
   * Starts the thread: it runs {@code round} (which returns the wait before the next) until closed.
   * Interrupted by anyone but {@link #close()}, it runs {@code onInterrupt} under the lock and
   * ends, the interrupt kept in its status.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start(Supplier<Duration> round, Runnable onInterrupt) {
    lock.lock();
    try {
      requireOpen();
      if (thread != null) {
        throw new IllegalStateException(description + " is already started");
      }
      thread =
          Thread.ofPlatform()
              .name(threadName)
              .daemon(true)
              .unstarted(() -> loop(round, onInterrupt));
      thread.start();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the loop once: wakes the thread, waits for it (interrupting it if it is stuck in a call
   * past the limit), then runs {@code release} under the lock with the caller's interrupt status
   * cleared, so that an SDK call inside it is not aborted, and restored after.
   *
   * @return false if it was closed already, and nothing was done
   */
  public boolean close(Runnable release) {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    Thread t = thread;
    lock.lock();
    try {
      wakeUp.signalAll();
    } finally {
      lock.unlock();
    }
    if (t != null && t != Thread.currentThread()) {
      join(t);
    }
    boolean interrupted = Thread.interrupted();
    lock.lock();
    try {
      release.run();
    } finally {
      lock.unlock();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return true;
  }

  private void join(Thread t) {
    long waitMillis = joinLimit.toMillis();
    try {
      t.join(waitMillis);
      if (t.isAlive()) {
        // Stuck in an AWS call: interrupting aborts it.
        t.interrupt();
        t.join(waitMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      log.error("event=leader_elector_thread_stuck {} thread={}", logContext, t.getName());
    }
  }

  private void loop(Supplier<Duration> round, Runnable onInterrupt) {
    while (!closed.get()) {
      Duration wait;
      try {
        wait = round.get();
      } catch (RuntimeException e) {
        log.error("event=leader_round_failed {}", logContext, e);
        wait = waitAfterFailure;
      }
      lock.lock();
      try {
        if (closed.get()) {
          return;
        }
        // A zero wait still checks for an interrupt: a thread asked to go does not start a round.
        wakeUp.awaitNanos(Math.max(wait.toNanos(), 0));
      } catch (InterruptedException e) {
        // Not from close() (which signals instead): someone wants this thread gone.
        Thread.currentThread().interrupt();
        if (!closed.get()) {
          log.warn("event=leader_thread_interrupted {}", logContext);
          onInterrupt.run();
        }
        return;
      } finally {
        lock.unlock();
      }
    }
  }
}
