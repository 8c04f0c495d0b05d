package io.fenceq.engine.internal;

import io.fenceq.engine.EngineMetrics;
import io.fenceq.engine.Job;
import io.fenceq.engine.LaneBatch;
import io.fenceq.engine.MessageOutcome;
import io.fenceq.engine.OrderScope;
import io.fenceq.lease.SequenceSpan;
import io.fenceq.ring.Lane;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One lane of one received batch: acquires the lane's lease, runs its jobs in order, and settles
 * every message exactly once: deleted, given back with a visibility timeout, sent to the
 * dead-letter queue, or left alone because the lane was lost.
 *
 * <p>This class owns the lane's lifecycle and its monitor; each role is its own class: {@link
 * LaneAdmission} decides whether the lane and each job may start and takes the lease, {@link
 * LaneJobs} runs the jobs and decides their outcomes (with {@link LaneAttempts} counting their real
 * attempts on the lease item), {@link LaneLiveness} holds the lease and beats, and {@link
 * LaneSettlement} records the outcomes and settles them when the lane finishes.
 *
 * <p>The lane's jobs run on its own thread and, under {@link OrderScope#KEY}, on key threads of the
 * processor's pool, one per key at a time ({@link KeyWorkers}); the lane finishes only when all of
 * them are done (or at a deadline, or when a handler thread is written off). Three kinds of threads
 * meet here: the lane's own and its key threads (in {@link #run}), the heartbeat's ({@link
 * LaneLiveness#beat}) and the shutdown deadline's ({@link #abandon}). They agree under this
 * object's monitor, which every role class takes for its shared state and none holds across a
 * network call; whoever finishes the lane first waits for a beat in flight, then decides every
 * outcome, and the others find it {@link LaneSettlement#finished() finished} and do nothing. A
 * handler reading {@link LaneLiveness#lostReason()} never waits for the monitor.
 */
public final class LaneRun {
  private static final Logger log = LoggerFactory.getLogger(LaneRun.class);

  private final EngineParts parts;
  private final LaneBatch batch;
  private final Instant notAfter;
  private final LaneSettlement settlement;
  private final LaneLiveness liveness;
  private final LaneJobs jobs;
  private final LaneAdmission admission;
  private final KeyWorkers keys;
  private final SequenceSpan span;

  // Guarded by this.
  private Thread runner;
  private boolean slotHeld;

  /**
   * @param notAfter when the host stops starting jobs (a Lambda invocation's end), or null
   */
  public LaneRun(EngineParts parts, LaneBatch batch, Instant notAfter) {
    this.parts = parts;
    this.batch = batch;
    this.notAfter = notAfter;
    List<Message> messages = batch.messages();
    this.span =
        SequenceSpan.of(
                messages.stream()
                    .map(m -> m.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER))
                    .toList())
            .orElse(null);
    this.settlement = new LaneSettlement(this, parts, messages);
    this.liveness = new LaneLiveness(this, parts, messages, settlement);
    this.jobs = new LaneJobs(this, parts, messages, settlement, liveness);
    this.admission = new LaneAdmission(this, parts, messages, notAfter, settlement, liveness, jobs);
    this.keys = new KeyWorkers(this, parts, admission, jobs);
  }

  /** Completes when every message of the lane is settled, with their outcomes in order. */
  public CompletableFuture<List<MessageOutcome>> result() {
    return settlement.result();
  }

  public String groupId() {
    return batch.groupId();
  }

  /** The lane, or null when the group id is not a lane id. */
  public Lane lane() {
    return batch.lane();
  }

  /**
   * The SQS sequence numbers the lane-batch spans, which its lease grant records so that the lane's
   * next batch is handed the lease without a release; null if a message carries none.
   */
  SequenceSpan span() {
    return span;
  }

  /** The host's own deadline for starting jobs, or null. */
  Instant notAfter() {
    return notAfter;
  }

  EngineParts parts() {
    return parts;
  }

  /** A jittered backoff from the receive count of message {@code i}. */
  Duration backoff(int i) {
    List<Message> messages = batch.messages();
    int receiveCount = i < messages.size() ? Received.receiveCount(messages.get(i)) : 1;
    return parts.backoff().delay(receiveCount, ThreadLocalRandom.current());
  }

  /** Runs the lane to its end on the calling thread; the executor calls it. */
  public void run() {
    synchronized (this) {
      if (settlement.finished()) {
        // Abandoned before its thread came: settled already, only the gate still counts it.
        parts.gate().exit(this);
        return;
      }
      runner = Thread.currentThread();
    }
    Duration pendingVisibility = Duration.ZERO;
    String pendingReason = "the lane stopped before this job started";
    try {
      admission.awaitSlot();
      synchronized (this) {
        slotHeld = true;
      }
      drain();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pendingReason = "the consumer was interrupted before the lane started";
    } catch (RuntimeException | Error e) {
      log.error("event=lane_crashed queue={} lane={}", parts.queueName(), groupId(), e);
      pendingVisibility = backoff(settlement.firstPending());
      pendingReason = "the lane stopped on an unexpected error: " + e;
      if (e instanceof Error error) {
        throw error;
      }
    } finally {
      releaseSlot();
      finish(pendingVisibility, pendingReason);
      synchronized (this) {
        runner = null;
      }
      parts.gate().exit(this);
    }
  }

  /** Gives the lane slot back, once: the lane's thread or its write-off, whichever comes first. */
  private void releaseSlot() {
    synchronized (this) {
      if (!slotHeld) {
        return;
      }
      slotHeld = false;
    }
    admission.releaseSlot();
  }

  /** Whether the lane is finished; the caller holds this run's monitor. */
  boolean finishedUnderMonitor() {
    return settlement.finished();
  }

  /**
   * Stops waiting for job {@code index}, whose thread ignored the interrupt at its time limit for
   * the write-off grace: settles the lane without it as a failure of that job (it and the rest go
   * back with its backoff, the jobs done before it are deleted), marks the lane lost so that the
   * thread's fence checks throw and nothing it finishes is deleted, releases the lease, and gives
   * back the lane slot and the processor's place, so that the lane and the host go on. The thread
   * itself runs on; its fenced writes are refused once another consumer holds the lane.
   */
  void writeOff(int index, Job job, String reason, Thread thread) {
    synchronized (this) {
      if (settlement.finished()) {
        return;
      }
    }
    // Counted while the lease is still this run's; a call on the network, so not under the monitor.
    jobs.countWrittenOff(job, reason);
    LaneSettlement.Plan plan;
    synchronized (this) {
      if (settlement.finished()) {
        return;
      }
      Duration visibility = backoff(index);
      settlement.returned(index, visibility, reason);
      // Planned before the lane is marked lost: what finished while the lane was ours is deleted.
      plan =
          conclude(
              visibility,
              "it is behind job " + job.messageId() + " of its lane, whose thread was written off",
              false);
      liveness.abandon(reason);
    }
    boolean keyThread;
    synchronized (this) {
      keyThread = thread != runner;
    }
    int total = parts.threadsWrittenOff().incrementAndGet();
    parts.metrics().count(EngineMetrics.THREADS_WRITTEN_OFF, 1, parts.queueDimensions());
    parts.metrics().count(EngineMetrics.JOBS_FAILED, 1, parts.jobDimensions(job.type()));
    log.error(
        "event=thread_written_off queue={} lane={} key={} seq={} messageId={} thread={}"
            + " threadsWrittenOff={} reason=\"{}\"",
        parts.queueName(),
        groupId(),
        job.key(),
        job.seq(),
        job.messageId(),
        thread.getName(),
        total,
        reason);
    try {
      settlement.execute(plan);
    } finally {
      releaseSlot();
      parts.gate().exit(this);
      parts.hooks().threadWrittenOff(keyThread);
      parts.hooks().laneEndedWithoutItsThread();
    }
  }

  /**
   * Finishes a lane that will never run (the executor refused it): gives every message back at
   * once.
   */
  public void finishUnstarted(String reason) {
    finish(Duration.ZERO, reason);
    parts.gate().exit(this);
  }

  /**
   * Gives up on the lane at a deadline (the shutdown's, or the host's: a Lambda invocation's end):
   * settles what is decided, gives the rest back with visibility 0, releases the lease, marks the
   * lane lost (so its handler's fence checks throw) and interrupts its thread. The thread may go on
   * running its handler, but deletes nothing: only whoever finishes the lane settles it, and that
   * is this call.
   *
   * @param forShutdown whether the shutdown gives up on it (its returns count in the shutdown's
   *     report)
   */
  public void abandon(String reason, boolean forShutdown) {
    LaneSettlement.Plan plan;
    synchronized (this) {
      if (settlement.finished()) {
        return;
      }
      liveness.awaitBeat();
      if (settlement.finished()) {
        return;
      }
      // Planned before the lane is marked lost: what the handlers finished while the lane was
      // still ours is deleted.
      plan = conclude(Duration.ZERO, reason, forShutdown);
      liveness.abandon(reason);
      if (runner != null) {
        runner.interrupt();
      }
      keys.interruptAll();
    }
    log.warn(
        "event=lane_abandoned queue={} lane={} reason=\"{}\"",
        parts.queueName(),
        groupId(),
        reason);
    settlement.execute(plan);
  }

  private void drain() {
    if (!admission.admit()) {
      return;
    }
    int concurrency =
        parts.config().orderScope() == OrderScope.LANE ? 1 : parts.config().keyConcurrency();
    keys.runAll(jobs.sequences(), concurrency);
  }

  private void finish(Duration pendingVisibility, String pendingReason) {
    LaneSettlement.Plan plan;
    synchronized (this) {
      if (settlement.finished()) {
        return;
      }
      liveness.awaitBeat();
      if (settlement.finished()) {
        return;
      }
      plan = conclude(pendingVisibility, pendingReason, false);
    }
    settlement.execute(plan);
  }

  /**
   * Finishes the lane: stops its heartbeat and decides every message's fate. Called under the
   * monitor by whoever found the lane unfinished, once no beat is in flight ({@link
   * LaneLiveness#awaitBeat}, which lets the monitor go while it waits, hence the second check); the
   * plan is executed after the monitor is let go.
   */
  private LaneSettlement.Plan conclude(
      Duration pendingVisibility, String pendingReason, boolean forShutdown) {
    liveness.stopBeating();
    // Wakes the lane's thread if it waits for key threads that will not come back in time.
    notifyAll();
    return settlement.plan(
        liveness.lease(), liveness.lostReason(), pendingVisibility, pendingReason, forShutdown);
  }

  @Override
  public String toString() {
    return "LaneRun[" + groupId() + ", " + batch.messages().size() + " messages]";
  }
}
