package io.fenceq.engine;

import static io.fenceq.testing.InMemoryLeases.Write.ACQUIRE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.engine.RecordingQueueActions.Call;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Graceful shutdown of a processor with a job running: nothing new starts, the running job may
 * finish until the grace period ends, the rest goes back at once, and leases are released. The
 * grace period is measured on the manual scheduler, so the test decides when it ends.
 */
class ShutdownTest {
  private static final long WAIT_SECONDS = 10;

  private final EngineFixture world = new EngineFixture();
  private final ExecutorService lanes =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "test-lane"));
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch proceed = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final AtomicReference<LaneLostException> fenceCheck = new AtomicReference<>();
  private final AtomicInteger runs = new AtomicInteger();

  /** The first job waits for the test; interrupted, it checks its fence as a handler should. */
  private final JobHandler firstJobWaits =
      (job, context) -> {
        if (runs.incrementAndGet() > 1) {
          return;
        }
        started.countDown();
        try {
          assertThat(proceed.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
          interrupted.set(true);
          try {
            context.checkFence();
          } catch (LaneLostException lost) {
            fenceCheck.set(lost);
          }
          throw e;
        } finally {
          ended.countDown();
        }
      };

  private final LaneProcessor processor =
      world.processor(
          JobHandlers.builder().on("reserve", firstJobWaits).build(),
          world.config().build(),
          lanes);

  @AfterEach
  void stopLanes() throws InterruptedException {
    lanes.shutdownNow();
    assertThat(lanes.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  private void advance(Duration d) {
    world.ticker.advance(d);
    world.clock.advance(d);
  }

  @Test
  void runningJobsFinishTheRestGoesBackAtOnceAndTheLeaseIsReleased() throws Exception {
    List<String> keys = world.keysInDistinctLanes(2);
    Message m1 = world.job(keys.get(0), "reserve");
    Message m2 = world.job(keys.get(0), "reserve");
    CompletableFuture<BatchOutcome> running = processor.submit(List.of(m1, m2));
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<ShutdownReport> stopped = processor.shutdown(Duration.ofSeconds(60));

    assertThat(stopped).isNotDone();
    assertThat(processor.accepting()).isFalse();
    assertThat(processor.shutdown(Duration.ofSeconds(1))).isSameAs(stopped);
    // A batch received meanwhile goes straight back, unrun, without asking for its lease.
    Message late = world.job(keys.get(1), "reserve");
    BatchOutcome lateOutcome = processor.submit(List.of(late)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(lateOutcome.messages())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.status()).isEqualTo(Status.RETURNED);
              assertThat(o.visibility()).isZero();
              assertThat(o.reason()).contains("shutting down");
            });
    assertThat(world.leaseWrites(ACQUIRE)).isEqualTo(1);

    proceed.countDown();
    ShutdownReport report = stopped.get(WAIT_SECONDS, TimeUnit.SECONDS);
    BatchOutcome batch = running.get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(report).isEqualTo(new ShutdownReport(false, 0, 2));
    assertThat(batch.outcome(m1.messageId()).orElseThrow().status()).isEqualTo(Status.DONE);
    MessageOutcome rest = batch.outcome(m2.messageId()).orElseThrow();
    assertThat(rest.status()).isEqualTo(Status.RETURNED);
    assertThat(rest.visibility()).isZero();
    assertThat(runs).hasValue(1);
    assertThat(world.actions.calls())
        .containsExactly(
            new Call("visibility", List.of(late.messageId()), Duration.ZERO, ""),
            new Call("delete", List.of(m1.messageId()), Duration.ZERO, ""),
            new Call("visibility", List.of(m2.messageId()), Duration.ZERO, ""));
    assertThat(world.held(world.laneOf(keys.get(0)))).isFalse();
    assertThat(world.scheduler.scheduled()).isZero();
  }

  @Test
  void atTheDeadlineRunningLanesAreAbandonedTheirMessagesGoBackAndLeasesAreReleased()
      throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "reserve");
    CompletableFuture<BatchOutcome> running = processor.submit(List.of(m1, m2));
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<ShutdownReport> stopped = processor.shutdown(Duration.ofSeconds(5));

    advance(Duration.ofSeconds(4));
    world.scheduler.runDue();
    assertThat(stopped).isNotDone();
    assertThat(world.held(world.laneOf(key))).isTrue();

    advance(Duration.ofSeconds(1));
    world.scheduler.runDue();

    assertThat(stopped.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isEqualTo(new ShutdownReport(true, 1, 2));
    BatchOutcome batch = running.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(batch.messages())
        .allSatisfy(
            o -> {
              assertThat(o.status()).isEqualTo(Status.RETURNED);
              assertThat(o.visibility()).isZero();
              assertThat(o.reason()).contains("grace period of 5s ran out");
            });
    assertThat(world.held(world.laneOf(key))).isFalse();
    assertThat(world.actions.calls())
        .containsExactly(
            new Call("visibility", List.of(m1.messageId(), m2.messageId()), Duration.ZERO, ""));
    // The abandoned handler is interrupted and its fence check fails: it must not write on.
    assertThat(ended.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).isTrue();
    assertThat(fenceCheck.get()).hasMessageContaining("grace period of 5s ran out");
    assertThat(world.actions.calls()).hasSize(1);
  }

  @Test
  void aLaneAbandonedWhileItsLeaseIsBeingGrantedReleasesTheGrantAndStartsNoHeartbeat() {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    AtomicReference<LaneProcessor> racing = new AtomicReference<>();
    // The grant is written, then the deadline fires before the lane has taken the lease in.
    world.leases.afterGrant(
        () -> {
          racing.get().shutdown(Duration.ZERO);
          world.scheduler.runDue();
        });
    LaneProcessor processor =
        world.processor(
            JobHandlers.builder().on("reserve", firstJobWaits).build(),
            world.config().build(),
            EngineFixture.SAME_THREAD);
    racing.set(processor);

    BatchOutcome batch;
    boolean laneThreadInterrupted;
    try {
      batch = processor.submit(List.of(m1)).join();
    } finally {
      // The lane ran on this thread, which the abandonment interrupted.
      laneThreadInterrupted = Thread.interrupted();
    }

    assertThat(laneThreadInterrupted).isTrue();
    assertThat(runs).hasValue(0);
    assertThat(batch.messages())
        .singleElement()
        .satisfies(o -> assertThat(o.status()).isEqualTo(Status.RETURNED));
    assertThat(world.leaseWrites(ACQUIRE)).isEqualTo(1);
    assertThat(world.held(world.laneOf(key))).isFalse();
    assertThat(world.scheduler.scheduled()).isZero();
    assertThat(processor.shutdown(Duration.ZERO).join()).isEqualTo(new ShutdownReport(true, 1, 1));
  }

  @Test
  void withNothingRunningShutdownCompletesAtOnceAndStaysDone() throws Exception {
    CompletableFuture<ShutdownReport> stopped = processor.shutdown(Duration.ofSeconds(30));

    assertThat(stopped.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isEqualTo(new ShutdownReport(false, 0, 0));
    assertThat(processor.shutdown(Duration.ZERO)).isSameAs(stopped);
    assertThat(processor.accepting()).isFalse();
    assertThat(world.scheduler.scheduled()).isZero();
  }
}
