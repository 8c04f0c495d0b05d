package io.fenceq.engine.internal;

import io.fenceq.engine.EngineMetrics;
import io.fenceq.lease.AcquireResult;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseRefusal;
import io.fenceq.lease.internal.Durations;
import io.fenceq.ring.Lane;
import io.fenceq.trace.FenceqTracing;
import io.fenceq.trace.internal.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Whether the lane may start, and then each of its jobs. The lane needs a lane slot (at most {@code
 * maxLanesInFlight} run at once), a message group that is a lane, a consumer that is not shutting
 * down, a start soon enough after the receive, and the lane's lease, which it takes in and starts
 * the heartbeat for. Each job then needs the lane not lost, no shutdown begun, the host's deadline
 * not passed and the lease still valid locally. Whatever is refused is settled at once, with the
 * rest of the lane behind it.
 *
 * <p>Threads: the lane's own only; taking the grant in agrees with the shutdown deadline under the
 * run's monitor.
 */
final class LaneAdmission {
  private static final Logger log = LoggerFactory.getLogger(LaneAdmission.class);

  private final LaneRun run;
  private final EngineParts parts;
  private final List<Message> messages;
  private final Instant notAfter;
  private final LaneSettlement settlement;
  private final LaneLiveness liveness;
  private final LaneJobs jobs;
  private final long submittedNanos;

  LaneAdmission(
      LaneRun run,
      EngineParts parts,
      List<Message> messages,
      Instant notAfter,
      LaneSettlement settlement,
      LaneLiveness liveness,
      LaneJobs jobs) {
    this.run = run;
    this.parts = parts;
    this.messages = messages;
    this.notAfter = notAfter;
    this.settlement = settlement;
    this.liveness = liveness;
    this.jobs = jobs;
    this.submittedNanos = parts.ticker().nanos();
  }

  /** Waits for a lane slot; the caller gives it back with {@link #releaseSlot()}. */
  void awaitSlot() throws InterruptedException {
    parts.lanePermits().acquire();
  }

  void releaseSlot() {
    parts.lanePermits().release();
  }

  /**
   * Admits the lane: it is a lane, the consumer is not shutting down, it did not wait too long, and
   * its lease is granted and held. If not, its messages are settled.
   *
   * @return whether the lane's jobs may run
   */
  boolean admit() {
    Lane lane = run.lane();
    if (lane == null) {
      jobs.refuseForeignGroup();
      return false;
    }
    if (parts.gate().draining()) {
      returnForShutdown(0, "the consumer is shutting down; the lane was not started");
      return false;
    }
    if (waitedTooLong()) {
      return false;
    }
    return acquireLease(lane);
  }

  /**
   * Whether the entry at {@code pos} of {@code seq} may start; if not, settles it and the rest of
   * the sequence (the other sequences stop at their own next start).
   */
  boolean mayStart(KeySequence seq, int pos) {
    List<Integer> rest = seq.indicesFrom(pos);
    if (liveness.lostReason() != null) {
      settlement.lostAll(rest, "the lane was lost: " + liveness.lostReason());
      return false;
    }
    if (parts.gate().draining()) {
      parts
          .shutdownReturns()
          .addAndGet(
              settlement.returnedAll(
                  rest, Duration.ZERO, "the consumer is shutting down; the job was not started"));
      return false;
    }
    if (notAfter != null && !parts.clock().instant().isBefore(notAfter)) {
      settlement.returnedAll(rest, Duration.ZERO, "the host's deadline passed before it started");
      return false;
    }
    if (liveness.lostReasonNow() != null) {
      settlement.lostAll(rest, "the lane was lost: " + liveness.lostReason());
      return false;
    }
    if (parts.config().partialBatchResponse()) {
      int first = settlement.firstRedelivered();
      if (first >= 0 && first < seq.get(pos).index()) {
        // Started now, it would be reported failed anyway: see EngineConfig#partialBatchResponse.
        settlement.returnedAll(
            rest,
            settlement.visibility(first),
            "it is behind message "
                + messages.get(first).messageId()
                + " of its lane, which stays on the queue, and a partial batch response reports"
                + " every later message of a message group");
        return false;
      }
    }
    return true;
  }

  /**
   * A lane that waited for a free lane slot must still start while the visibility its messages got
   * at the receive (at least one lease) outlasts the first heartbeat, one renew interval after the
   * grant. Later, they could reappear to another consumer while this one runs them: safe, since the
   * fence and the seq check stop the loser, but wasted. Such a lane goes back at once.
   *
   * @return whether the lane was given back
   */
  private boolean waitedTooLong() {
    Duration waited = Duration.ofNanos(parts.ticker().nanos() - submittedNanos);
    Duration limit =
        parts.leases().config().leaseDuration().minus(parts.leases().config().renewInterval());
    if (waited.compareTo(limit) <= 0) {
      return false;
    }
    log.warn(
        "event=lane_start_too_late queue={} lane={} messages={} waited={} limit={}",
        parts.queueName(),
        run.groupId(),
        messages.size(),
        Durations.format(waited),
        Durations.format(limit));
    settlement.returnedFrom(
        0,
        Duration.ZERO,
        "the lane waited "
            + Durations.format(waited)
            + " for a lane slot, longer than its messages' visibility allows (lease less one"
            + " renew interval, "
            + Durations.format(limit)
            + ")");
    return true;
  }

  private boolean acquireLease(Lane lane) {
    Span span = startSpan(lane);
    try {
      return acquireLease(lane, span);
    } finally {
      span.end();
    }
  }

  /**
   * The lease's span: in the trace of the lane-batch's first job, linked to the traces of the
   * others, since one lease serves them all.
   */
  private Span startSpan(Lane lane) {
    SpanBuilder builder =
        Telemetry.tracer()
            .spanBuilder(FenceqTracing.LEASE_ACQUIRE_SPAN)
            .setParent(Telemetry.extract(messages.get(0)))
            .setAttribute(FenceqTracing.LANE, lane.id())
            .setAttribute(FenceqTracing.JOBS, (long) messages.size());
    for (int i = 1; i < messages.size(); i++) {
      SpanContext other = Span.fromContext(Telemetry.extract(messages.get(i))).getSpanContext();
      if (other.isValid()) {
        builder.addLink(other);
      }
    }
    return builder.startSpan();
  }

  private boolean acquireLease(Lane lane, Span span) {
    AcquireResult acquired;
    try {
      String id = LaneLeases.leaseId(lane);
      String owner = parts.config().owner();
      acquired =
          run.span() == null
              ? parts.leases().acquire(id, owner)
              : parts.leases().acquire(id, owner, run.span());
    } catch (LeaseException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getMessage());
      settlement.returnedFrom(
          0,
          run.backoff(0),
          "the lease of lane " + lane + " could not be asked for: " + e.getMessage());
      return false;
    }
    switch (acquired) {
      case LeaseRefusal refusal -> {
        span.setAttribute(FenceqTracing.RESULT, "REFUSED");
        parts.metrics().count(EngineMetrics.LEASE_REFUSALS, 1, parts.queueDimensions());
        log.info(
            "event=lane_refused queue={} lane={} holder={} holderFence={} retryAfter={}",
            parts.queueName(),
            lane,
            refusal.holder(),
            refusal.holderFence(),
            Durations.format(refusal.retryAfter()));
        settlement.returnedFrom(
            0,
            refusal.retryAfter(),
            "lane " + lane + " is held by another consumer: " + refusal.reason());
        return false;
      }
      case Lease granted -> {
        span.setAttribute(FenceqTracing.RESULT, "GRANTED");
        span.setAttribute(FenceqTracing.FENCE, granted.fence());
        return hold(granted);
      }
    }
  }

  /**
   * Takes the granted lease into the lane and starts its heartbeat, under the monitor: the shutdown
   * deadline may have abandoned the lane while the grant was on its way, and then nobody else would
   * release this grant or stop its heartbeat.
   *
   * @return whether the lane goes on
   */
  private boolean hold(Lease granted) {
    synchronized (run) {
      if (!settlement.finished()) {
        liveness.take(granted);
        log.debug(
            "event=lane_acquired queue={} lane={} fence={} messages={}",
            parts.queueName(),
            run.groupId(),
            granted.fence(),
            messages.size());
        if (liveness.startBeating()) {
          return true;
        }
        returnForShutdown(0, "the consumer is shutting down; the lane was not started");
        return false;
      }
    }
    settlement.release(granted);
    return false;
  }

  private void returnForShutdown(int from, String reason) {
    parts.shutdownReturns().addAndGet(settlement.returnedFrom(from, Duration.ZERO, reason));
  }
}
