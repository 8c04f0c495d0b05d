package io.fenceq.tests.engine;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The step journal's handler, except that the first run of one job hangs and ignores every
 * interrupt until {@link #thaw()}; then it tries its step anyway, as a thread that was given up on
 * would. What that late step ends in is {@link #lateOutcome()}.
 */
final class StuckOnce {
  private final StepJournal journal;
  private final String jobId;
  private final AtomicBoolean hung = new AtomicBoolean();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch thaw = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final AtomicReference<Throwable> lateOutcome = new AtomicReference<>();

  StuckOnce(StepJournal journal, String jobId) {
    this.journal = journal;
    this.jobId = jobId;
  }

  Map<String, JobHandler> handlers() {
    return Map.of(StepJournal.TYPE, this::step);
  }

  private void step(Job job, JobContext context) throws InterruptedException {
    if (!job.jobId().equals(jobId) || !hung.compareAndSet(false, true)) {
      journal.step(job, context);
      return;
    }
    started.countDown();
    boolean thawed = false;
    while (!thawed) {
      try {
        thawed = thaw.await(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        interrupted.set(true); // and carry on hanging: the handler ignores interrupts
      }
    }
    try {
      journal.step(job, context);
      lateOutcome.set(new AssertionError("the late step was applied"));
    } catch (Throwable e) {
      lateOutcome.set(e);
    } finally {
      ended.countDown();
    }
  }

  /** Waits until the hanging run has begun. */
  boolean awaitStarted(Duration timeout) throws InterruptedException {
    return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Lets the hanging run go on to its step, and waits until it has ended. */
  boolean thawAndAwait(Duration timeout) throws InterruptedException {
    thaw.countDown();
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the hanging run was interrupted (and ignored it). */
  boolean interrupted() {
    return interrupted.get();
  }

  /** What the late step threw; an {@link AssertionError} if it was applied. */
  Throwable lateOutcome() {
    return lateOutcome.get();
  }
}
