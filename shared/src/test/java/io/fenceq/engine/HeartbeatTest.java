package io.fenceq.engine;

import static io.fenceq.testing.InMemoryLeases.Write.RELEASE;
import static io.fenceq.testing.InMemoryLeases.Write.RENEW;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.engine.RecordingQueueActions.Call;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.Lease;
import io.fenceq.time.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Long jobs: the heartbeat renews the lane's lease and extends its messages' visibility on the
 * manual scheduler's ticks; a transient failure is retried while the lease lasts, a permanent one
 * loses the lane. The handler runs on its own thread and waits for the test to let it go on, so the
 * test decides what happens while it runs.
 */
class HeartbeatTest {
  private static final long WAIT_SECONDS = 10;

  private final EngineFixture world = new EngineFixture();
  private final ExecutorService lanes =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "test-lane"));
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch proceed = new CountDownLatch(1);
  private final AtomicReference<LaneLostException> fenceCheck = new AtomicReference<>();
  private final AtomicInteger runs = new AtomicInteger();

  /** Runs once per job: the first waits for the test, then checks its fence and rethrows. */
  private final JobHandler longJob =
      (job, context) -> {
        if (runs.incrementAndGet() > 1) {
          return;
        }
        started.countDown();
        assertThat(proceed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        try {
          context.checkFence();
        } catch (LaneLostException e) {
          fenceCheck.set(e);
          throw e;
        }
      };

  @AfterEach
  void stopLanes() throws InterruptedException {
    lanes.shutdownNow();
    assertThat(lanes.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  private CompletableFuture<BatchOutcome> start(EngineConfig config, List<Message> batch)
      throws InterruptedException {
    LaneProcessor processor =
        world.processor(JobHandlers.builder().on("reserve", longJob).build(), config, lanes);
    CompletableFuture<BatchOutcome> outcome = processor.submit(batch);
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    return outcome;
  }

  private void advance(Duration d) {
    world.ticker.advance(d);
    world.clock.advance(d);
  }

  private BatchOutcome finish(CompletableFuture<BatchOutcome> outcome) throws Exception {
    proceed.countDown();
    return outcome.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void aLongJobRenewsTheLeaseAndExtendsTheLanesVisibilityEveryRenewInterval() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "reserve");
    CompletableFuture<BatchOutcome> outcome = start(world.config().build(), List.of(m1, m2));

    advance(EngineFixture.RENEW.minusMillis(1));
    assertThat(world.scheduler.runDue()).isZero();
    for (int beat = 1; beat <= 4; beat++) {
      advance(beat == 1 ? Duration.ofMillis(1) : EngineFixture.RENEW);
      assertThat(world.scheduler.runDue()).isEqualTo(1);
      assertThat(world.leaseWrites(RENEW)).isEqualTo(beat);
    }
    // 40 s after the grant: only the renewals keep the 30 s lease, and the fence check, alive.
    BatchOutcome batch = finish(outcome);

    assertThat(fenceCheck.get()).isNull();
    assertThat(world.actions.calls("visibility"))
        .hasSize(4)
        .containsOnly(
            new Call(
                "visibility", List.of(m1.messageId(), m2.messageId()), EngineFixture.LEASE, ""));
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.DONE);
    assertThat(world.actions.deleted()).containsExactly(m1.messageId(), m2.messageId());
    assertThat(world.scheduler.scheduled()).isZero();
    // Everything deleted: the lease stays for the lane's next batch to be handed, unreleased.
    assertThat(world.leaseWrites(RELEASE)).isZero();
  }

  @Test
  void aRenewalThatFailsTransientlyIsRetriedAndTheLaneIsKept() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    CompletableFuture<BatchOutcome> outcome = start(world.config().build(), List.of(m1));

    advance(EngineFixture.RENEW);
    world.leases.failNextWrites(1);
    assertThat(world.scheduler.runDue()).isEqualTo(1);
    assertThat(world.leaseWrites(RENEW)).isEqualTo(1);
    assertThat(world.actions.calls("visibility")).isEmpty();
    // The retry comes a twentieth of the interval later, not a whole interval.
    advance(EngineFixture.RENEW.dividedBy(20));
    assertThat(world.scheduler.runDue()).isEqualTo(1);
    assertThat(world.leaseWrites(RENEW)).isEqualTo(2);
    assertThat(world.actions.calls("visibility")).hasSize(1);
    // Past the first grant's 30 s: only the retried renewal keeps the fence check passing.
    advance(EngineFixture.LEASE.minus(EngineFixture.RENEW));
    world.scheduler.runDue();
    BatchOutcome batch = finish(outcome);

    assertThat(fenceCheck.get()).isNull();
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.DONE);
    assertThat(world.actions.deleted()).containsExactly(m1.messageId());
    assertThat(world.metrics.total(EngineMetrics.HEARTBEAT_RETRIES)).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.HEARTBEAT_FAILURES)).isZero();
  }

  @Test
  void aThrottledVisibilityExtensionIsRetriedForTheFailedMessageOnlyWithoutRenewingAgain()
      throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "reserve");
    world.actions.throttleVisibilityOf(m2.messageId(), 1);
    CompletableFuture<BatchOutcome> outcome = start(world.config().build(), List.of(m1, m2));

    advance(EngineFixture.RENEW);
    world.scheduler.runDue();
    advance(EngineFixture.RENEW.dividedBy(20));
    world.scheduler.runDue();
    BatchOutcome batch = finish(outcome);

    assertThat(fenceCheck.get()).isNull();
    assertThat(world.leaseWrites(RENEW)).isEqualTo(1);
    assertThat(world.actions.calls("visibility"))
        .extracting(Call::messageIds)
        .containsExactly(List.of(m1.messageId(), m2.messageId()), List.of(m2.messageId()));
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.DONE);
    assertThat(world.metrics.total(EngineMetrics.HEARTBEAT_RETRIES)).isEqualTo(1);
  }

  @Test
  void retriesOfATransientFailureStopWhenTheLeaseWouldRunOutBeforeTheNext() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    CompletableFuture<BatchOutcome> outcome = start(world.config().build(), List.of(m1));
    world.leases.failNextWrites(1_000);

    // Granted at 0 for 30 s; beat at 10 s, retries after 0.5, 1, 2, then 2.5 s each: the last
    // at 28.5 s, since the next would come after the lease's end.
    Duration step = Duration.ofMillis(500);
    for (Duration t = Duration.ZERO; t.compareTo(EngineFixture.LEASE) < 0; t = t.plus(step)) {
      advance(step);
      world.scheduler.runDue();
    }
    BatchOutcome batch = finish(outcome);

    assertThat(world.leaseWrites(RENEW)).isEqualTo(10);
    assertThat(world.metrics.total(EngineMetrics.HEARTBEAT_RETRIES)).isEqualTo(9);
    assertThat(world.metrics.total(EngineMetrics.HEARTBEAT_FAILURES)).isEqualTo(1);
    assertThat(fenceCheck.get())
        .hasMessageContaining("heartbeat failed: the lease could not be renewed")
        .hasMessageContaining("given up after 9 retries");
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.LOST);
    assertThat(world.actions.calls("visibility")).isEmpty();
    assertThat(world.scheduler.scheduled()).isZero();
  }

  @Test
  void aRenewalThatFailsPermanentlyLosesTheLaneAtOnceSoTheFenceCheckThrowsAndNothingIsDeleted()
      throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "reserve");
    CompletableFuture<BatchOutcome> outcome = start(world.config().build(), List.of(m1, m2));

    advance(EngineFixture.RENEW);
    world.leases.failNextWritesPermanently(1);
    world.scheduler.runDue();
    BatchOutcome batch = finish(outcome);

    assertThat(fenceCheck.get())
        .hasMessageContaining("lane " + world.laneOf(key).id())
        .hasMessageContaining("of queue " + EngineFixture.QUEUE)
        .hasMessageContaining("at fence 1")
        .hasMessageContaining("heartbeat failed: the lease could not be renewed");
    assertThat(runs).hasValue(1);
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.LOST);
    assertThat(world.actions.calls("delete")).isEmpty();
    assertThat(world.actions.calls("visibility")).isEmpty();
    assertThat(world.metrics.total(EngineMetrics.HEARTBEAT_FAILURES)).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.HEARTBEAT_RETRIES)).isZero();
    assertThat(world.leaseWrites(RENEW)).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.JOBS_FENCED)).isEqualTo(1);
    assertThat(world.scheduler.scheduled()).isZero();
  }

  @Test
  void aLeaseTakenOverMeanwhileLosesTheLaneAndTheHandlersLateSuccessIsNotDeleted()
      throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    JobHandler ignoresItsFence =
        (job, context) -> {
          started.countDown();
          assertThat(proceed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        };
    LaneProcessor processor =
        world.processor(
            JobHandlers.builder().on("reserve", ignoresItsFence).build(),
            world.config().build(),
            lanes);
    CompletableFuture<BatchOutcome> outcome = processor.submit(List.of(m1));
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    // A consumer whose clock runs 31 s ahead takes the lease over while the job runs.
    LaneLeases fast =
        world.contender(world.ticker, new ManualClock(EngineFixture.T0.plusSeconds(31)));
    assertThat(fast.acquire(LaneLeases.leaseId(world.laneOf(key)), "consumer-b"))
        .isInstanceOf(Lease.class);

    advance(EngineFixture.RENEW);
    world.scheduler.runDue();
    BatchOutcome batch = finish(outcome);

    MessageOutcome o = batch.outcome(m1.messageId()).orElseThrow();
    assertThat(o.status()).isEqualTo(Status.LOST);
    assertThat(o.reason())
        .contains("its handler returned, but the lane was lost while it ran")
        .contains("held by consumer-b at fence 2");
    assertThat(world.actions.calls("delete")).isEmpty();
    assertThat(world.holder(world.laneOf(key))).contains("consumer-b");
  }

  @Test
  void aVisibilityExtensionThatFailsLosesTheLane() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "reserve");
    world.actions.failVisibilityOf(m2.messageId());
    CompletableFuture<BatchOutcome> outcome = start(world.config().build(), List.of(m1, m2));

    advance(EngineFixture.RENEW);
    world.scheduler.runDue();
    BatchOutcome batch = finish(outcome);

    assertThat(fenceCheck.get())
        .hasMessageContaining("visibility of 1 of its messages could not be extended")
        .hasMessageContaining(m2.messageId());
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.LOST);
    assertThat(world.actions.calls("delete")).isEmpty();
  }

  @Test
  void withoutAHeartbeatALeaseThatRunsOutLocallyFailsTheFenceCheck() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    CompletableFuture<BatchOutcome> outcome =
        start(world.config().heartbeat(false).build(), List.of(m1));

    // Only the running job's time limit is scheduled: no heartbeat.
    assertThat(world.scheduler.scheduled()).isEqualTo(1);
    advance(EngineFixture.LEASE);
    BatchOutcome batch = finish(outcome);

    assertThat(fenceCheck.get()).hasMessageContaining("the lease ran out locally");
    assertThat(world.leaseWrites(RENEW)).isZero();
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.LOST);
    assertThat(world.actions.calls("delete")).isEmpty();
  }
}
