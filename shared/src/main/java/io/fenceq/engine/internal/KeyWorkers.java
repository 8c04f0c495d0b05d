package io.fenceq.engine.internal;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a lane-batch's {@link KeySequence sequences}, up to a number at once: the lane's own thread
 * runs them, and so do up to that number less one helpers from the processor's key pool ({@link
 * EngineParts#keyThreads()}). Each worker takes the next sequence not yet taken (in order of their
 * first message), runs it to its end, and takes another; the lane's thread then waits until every
 * helper is done, or the lane was finished without them (abandoned at a deadline, or a handler
 * thread written off). A helper that starts only after the sequences are all taken does nothing.
 *
 * <p>Threads: the lane's own and its helpers; they agree under the run's monitor, which none holds
 * while a job runs. {@link #interruptAll()} is the abandonment's, under the same monitor.
 */
final class KeyWorkers {
  /** How long the lane's thread waits between looks at its helpers, should a wake-up be missed. */
  private static final long RECHECK_MILLIS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(KeyWorkers.class);

  private final LaneRun run;
  private final EngineParts parts;
  private final LaneAdmission admission;
  private final LaneJobs jobs;

  // Guarded by run.
  private final ArrayDeque<KeySequence> waiting = new ArrayDeque<>();
  private final Set<Thread> working = new HashSet<>();

  KeyWorkers(LaneRun run, EngineParts parts, LaneAdmission admission, LaneJobs jobs) {
    this.run = run;
    this.parts = parts;
    this.admission = admission;
    this.jobs = jobs;
  }

  /**
   * Runs every sequence, at most {@code concurrency} at once, on the calling thread and helpers;
   * returns when all have ended or the lane is finished without them.
   */
  void runAll(List<KeySequence> sequences, int concurrency) {
    synchronized (run) {
      waiting.addAll(sequences);
    }
    Executor helpers = parts.keyThreads();
    int extra = helpers == null ? 0 : Math.min(concurrency, sequences.size()) - 1;
    for (int k = 0; k < extra; k++) {
      try {
        helpers.execute(this::help);
      } catch (RejectedExecutionException e) {
        // The pool is shutting down: the lane's own thread runs what is left.
        break;
      }
    }
    try {
      work();
    } finally {
      // Even when this thread's own sequence ended in an error: the lane settles after its keys.
      awaitHelpers();
    }
  }

  /**
   * A helper's run: an unexpected error ends its sequence, whose unfinished messages go back when
   * the lane settles, and is logged here, since no one waits for the helper's result.
   */
  private void help() {
    try {
      work();
    } catch (RuntimeException | Error e) {
      log.error("event=key_sequence_crashed queue={} lane={}", parts.queueName(), run.groupId(), e);
      if (e instanceof Error error) {
        throw error;
      }
    }
  }

  /** Interrupts every thread running one of the lane's sequences; the caller holds the monitor. */
  void interruptAll() {
    assert Thread.holdsLock(run);
    for (Thread t : working) {
      t.interrupt();
    }
  }

  private void work() {
    Thread me = Thread.currentThread();
    synchronized (run) {
      if (run.finishedUnderMonitor()) {
        return;
      }
      working.add(me);
    }
    try {
      while (true) {
        KeySequence next;
        synchronized (run) {
          next = run.finishedUnderMonitor() ? null : waiting.poll();
        }
        if (next == null) {
          return;
        }
        runSequence(next);
      }
    } finally {
      synchronized (run) {
        working.remove(me);
        run.notifyAll();
      }
    }
  }

  private void runSequence(KeySequence seq) {
    int pos = 0;
    while (pos >= 0 && pos < seq.size()) {
      if (!admission.mayStart(seq, pos)) {
        return;
      }
      int next = jobs.awaitBarrier(seq, pos);
      if (next == LaneJobs.STILL_HELD) {
        continue;
      }
      if (next != pos) {
        pos = next;
        continue;
      }
      pos = jobs.runFrom(seq, pos);
    }
  }

  /**
   * Waits until no helper runs a sequence, or the lane is finished without them. An interrupt (the
   * abandonment's, which finishes the lane first) does not end the wait by itself, and is kept.
   */
  private void awaitHelpers() {
    boolean interrupted = false;
    synchronized (run) {
      while (!working.isEmpty() && !run.finishedUnderMonitor()) {
        try {
          run.wait(RECHECK_MILLIS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
