package io.fenceq.testing.faults;

import io.fenceq.engine.JobHandler;
import io.fenceq.engine.KeyBatchHandler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Freezes one in-process worker as a stop-the-world GC pause or {@code SIGSTOP} would: while
 * paused, every SDK call of the clients it is installed on waits before each attempt is sent, an
 * answer that arrives waits before the SDK sees it, and every handler {@link #wrap wrapped} waits
 * at entry. On {@link #resume()} all of them go on with what they held: a handler frozen with a
 * fence writes with that old fence, a heartbeat renews a lease that may have passed to another
 * worker. That is the zombie that fencing must stop.
 *
 * <p>Install it on the worker's own SQS and DynamoDB clients (and the handler's, for its downstream
 * writes): {@code AwsClients.Options.builder().interceptor(gate)}.
 *
 * <p>It freezes I/O and handler entry, not the CPU: code running between calls (a handler's
 * computation, the engine's timers) keeps running. A call that starts while paused waits before its
 * first attempt, so no attempt timeout runs; an attempt already under way when the pause begins
 * waits before it is sent or before its answer is read, and the SDK's attempt timeout keeps
 * counting and aborts it, which a paused process would only notice when resumed. An interrupt ends
 * the wait: the SDK call fails with {@link AbortedException} and the thread stays interrupted; a
 * wrapped handler throws {@link InterruptedException}. Thread-safe.
 */
public final class PauseGate implements ExecutionInterceptor {
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition opened = lock.newCondition();
  private boolean paused;
  private long pauses;
  private int waiting;
  private final AtomicLong held = new AtomicLong();

  private PauseGate(String name) {
    this.name = name;
  }

  /** An open gate; {@code name} (the worker's) appears in errors and {@link #toString()}. */
  public static PauseGate named(String name) {
    return new PauseGate(Objects.requireNonNull(name, "name"));
  }

  /** Freezes from now on; a gate already paused stays so (counted once). */
  public void pause() {
    lock.lock();
    try {
      if (!paused) {
        paused = true;
        pauses++;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Lets every waiting call and handler go on. Idempotent. */
  public void resume() {
    lock.lock();
    try {
      paused = false;
      opened.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Pauses now and resumes after {@code duration} on {@code scheduler}, unless it was resumed and
   * paused again meanwhile (that later pause is left alone).
   *
   * @return the scheduled resume; cancelling it leaves the gate paused
   */
  public ScheduledFuture<?> pauseFor(Duration duration, ScheduledExecutorService scheduler) {
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(scheduler, "scheduler");
    long pause;
    lock.lock();
    try {
      pause();
      pause = pauses;
    } finally {
      lock.unlock();
    }
    return scheduler.schedule(() -> resumeIfStill(pause), duration.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void resumeIfStill(long pause) {
    lock.lock();
    try {
      if (pauses == pause) {
        resume();
      }
    } finally {
      lock.unlock();
    }
  }

  public boolean paused() {
    lock.lock();
    try {
      return paused;
    } finally {
      lock.unlock();
    }
  }

  /** Times the gate was paused. */
  public long pauses() {
    lock.lock();
    try {
      return pauses;
    } finally {
      lock.unlock();
    }
  }

  /** Calls, answers and handlers that had to wait, in total. */
  public long held() {
    return held.get();
  }

  /** Calls, answers and handlers waiting right now. */
  public int waiting() {
    lock.lock();
    try {
      return waiting;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns at once while open; while paused, waits until resumed.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitOpen() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      if (!paused) {
        return;
      }
      held.incrementAndGet();
      waiting++;
      try {
        while (paused) {
          opened.await();
        }
      } finally {
        waiting--;
      }
    } finally {
      lock.unlock();
    }
  }

  /** {@code handler}, waiting at entry while this gate is paused. */
  public JobHandler wrap(JobHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (handler instanceof KeyBatchHandler batch) {
      // Still a batch handler, so that the engine keeps handing it a key's jobs together.
      return (KeyBatchHandler)
          (jobs, context) -> {
            awaitOpen();
            return batch.handleBatch(jobs, context);
          };
    }
    return (job, context) -> {
      awaitOpen();
      handler.handle(job, context);
    };
  }

  /**
   * A call started while paused waits before it begins, outside the SDK's attempt timeout: like a
   * frozen process that has not sent its request yet, it sends it, once resumed, as a fresh
   * attempt. Without this a paused write under an attempt timeout would be aborted and never reach
   * the service, and the zombie write fencing must refuse would not happen.
   */
  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
    awaitOpenForSdk();
  }

  /** Each attempt, retries too, waits before it is sent. */
  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
    awaitOpenForSdk();
  }

  /** An answer that arrived while paused waits before the SDK reads it. */
  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes a) {
    awaitOpenForSdk();
  }

  private void awaitOpenForSdk() {
    try {
      awaitOpen();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AbortedException.create("interrupted while worker " + name + " was paused", e);
    }
  }

  @Override
  public String toString() {
    return "PauseGate[" + name + (paused() ? " paused" : " open") + " pauses=" + pauses() + "]";
  }
}
