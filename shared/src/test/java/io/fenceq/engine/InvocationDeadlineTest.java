package io.fenceq.engine;

import static io.fenceq.testing.InMemoryLeases.Write.ACQUIRE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.consumer.internal.InvocationDeadline;
import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.engine.RecordingQueueActions.Call;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.Lease;
import io.fenceq.time.ManualClock;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A Lambda invocation's wait for its batch ({@link InvocationDeadline}) when a handler outlasts the
 * invocation: the invocation gives up on the lane before its lease ends, and a lane thread that
 * runs on (as it does after Lambda freezes and thaws the environment) deletes nothing and holds
 * only a stale fence. Time is manual; the deadline fires when the test runs the scheduler.
 */
class InvocationDeadlineTest {
  private static final long WAIT_SECONDS = 10;
  private static final Duration ABANDON_AFTER = Duration.ofSeconds(25);

  private final EngineFixture world = new EngineFixture();
  private final ExecutorService lanes =
      Executors.newFixedThreadPool(2, r -> new Thread(r, "test-lambda-lane"));
  private final ExecutorService invocation =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "test-invocation"));
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch thaw = new CountDownLatch(1);
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final List<LaneLostException> fenceChecks = new ArrayList<>();
  private final AtomicLong blockedFence = new AtomicLong();
  private final AtomicInteger ran = new AtomicInteger();

  /**
   * "quick" returns; "stuck" blocks until interrupted, checks its fence, then, like a thread frozen
   * with the environment, waits for the thaw regardless of interrupts and returns normally.
   */
  private final JobHandlers handlers =
      JobHandlers.builder()
          .on("quick", (job, context) -> ran.incrementAndGet())
          .on(
              "stuck",
              (job, context) -> {
                ran.incrementAndGet();
                blockedFence.set(context.fence());
                started.countDown();
                try {
                  new CountDownLatch(1).await(WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  interrupted.set(true);
                  checkFence(context);
                }
                awaitUninterruptibly(thaw);
                checkFence(context);
                ended.countDown();
              })
          .build();

  private final LaneProcessor processor =
      world.processor(handlers, world.config().heartbeat(false).build(), lanes);

  @AfterEach
  void stop() throws InterruptedException {
    thaw.countDown();
    lanes.shutdownNow();
    invocation.shutdownNow();
    assertThat(lanes.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(invocation.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aHandlerOutlastingTheInvocationIsAbandonedAndItsThreadCanDeleteNothingAfterTheThaw()
      throws Exception {
    List<String> keys = world.keysInDistinctLanes(2);
    Message a1 = world.job(keys.get(0), "quick");
    Message a2 = world.job(keys.get(0), "stuck");
    Message a3 = world.job(keys.get(0), "quick");
    Message b1 = world.job(keys.get(1), "quick");
    // Lane b is settled when it deletes; lane a never gets that far before the deadline.
    CountDownLatch laneBSettled = new CountDownLatch(1);
    world.actions.beforeDelete(laneBSettled::countDown);
    SubmittedBatch batch =
        processor.submitBatch(List.of(a1, a2, b1, a3), EngineFixture.T0.plusSeconds(24));
    CompletableFuture<BatchOutcome> answer = invoke(batch);
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(laneBSettled.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    // The batch's abandon timer, and the stuck job's time limit.
    assertThat(world.scheduler.awaitScheduled(2, WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    advance(ABANDON_AFTER.minusSeconds(1));
    world.scheduler.runDue();
    assertThat(answer).isNotDone();
    advance(Duration.ofSeconds(1));
    world.scheduler.runDue();

    BatchOutcome outcome = answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(outcome.redeliveredMessageIds()).containsExactly(a2.messageId(), a3.messageId());
    assertThat(outcome.outcome(a1.messageId()).orElseThrow().status()).isEqualTo(Status.DONE);
    assertThat(outcome.outcome(b1.messageId()).orElseThrow().status()).isEqualTo(Status.DONE);
    assertThat(outcome.outcome(a2.messageId()).orElseThrow())
        .satisfies(
            o -> {
              assertThat(o.status()).isEqualTo(Status.RETURNED);
              assertThat(o.visibility()).isZero();
              assertThat(o.reason()).contains("time ran out");
            });
    // What finished while the lease held is deleted; nothing else is.
    assertThat(world.actions.deleted()).containsExactlyInAnyOrder(a1.messageId(), b1.messageId());
    assertThat(world.actions.calls("visibility"))
        .containsExactly(
            new Call("visibility", List.of(a2.messageId(), a3.messageId()), Duration.ZERO, ""));
    assertThat(world.held(world.laneOf(keys.get(0)))).isFalse();

    // The environment thaws: the old thread runs on and returns, and the engine settles nothing.
    int callsAtAbandon = world.actions.calls().size();
    thaw.countDown();
    assertThat(ended.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(interrupted).as("the abandoned thread was interrupted").isTrue();
    lanes.shutdown();
    assertThat(lanes.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(world.actions.calls()).hasSize(callsAtAbandon);
    assertThat(ran).as("jobs run: a1, a2, b1; never a3").hasValue(3);
    synchronized (fenceChecks) {
      assertThat(fenceChecks)
          .hasSize(2)
          .allSatisfy(e -> assertThat(e).hasMessageContaining("time ran out"));
    }
    assertThat(processor.lanesInFlight()).isZero();
    // The lane's next holder writes with a greater fence, which refuses the old thread's.
    Lease next =
        (Lease)
            world
                .contender(
                    new ManualTicker(world.ticker.nanos()), new ManualClock(world.clock.instant()))
                .acquire(LaneLeases.leaseId(world.laneOf(keys.get(0))), "consumer-b");
    assertThat(next.fence()).isGreaterThan(blockedFence.get());
  }

  @Test
  void aBatchThatEndsInTimeIsAnsweredAndItsDeadlineCancelled() throws Exception {
    Message m = world.job(world.keysInDistinctLanes(1).get(0), "quick");

    BatchOutcome outcome =
        InvocationDeadline.await(
            processor.submitBatch(List.of(m), null),
            ABANDON_AFTER,
            world.scheduler,
            Duration.ofSeconds(WAIT_SECONDS));

    assertThat(outcome.redeliveredMessageIds()).isEmpty();
    assertThat(world.actions.deleted()).containsExactly(m.messageId());
    assertThat(world.scheduler.scheduled()).isZero();
  }

  @Test
  void aLaneAbandonedBeforeItsThreadCameNeverRunsAndLeavesNothingInFlight() {
    List<Runnable> queued = new ArrayList<>();
    LaneProcessor held = world.processor(handlers, world.config().build(), queued::add);
    Message m = world.job(world.keysInDistinctLanes(1).get(0), "quick");
    SubmittedBatch batch = held.submitBatch(List.of(m), null);

    batch.abandon("the invocation ended");
    queued.forEach(Runnable::run);

    assertThat(batch.outcome().join().redeliveredMessageIds()).containsExactly(m.messageId());
    assertThat(world.leaseWrites(ACQUIRE)).isZero();
    assertThat(ran).hasValue(0);
    assertThat(held.lanesInFlight()).isZero();
  }

  private CompletableFuture<BatchOutcome> invoke(SubmittedBatch batch) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return InvocationDeadline.await(
                batch, ABANDON_AFTER, world.scheduler, Duration.ofSeconds(WAIT_SECONDS));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        invocation);
  }

  private void checkFence(JobContext context) {
    try {
      context.checkFence();
    } catch (LaneLostException e) {
      synchronized (fenceChecks) {
        fenceChecks.add(e);
      }
    }
  }

  private void advance(Duration d) {
    world.ticker.advance(d);
    world.clock.advance(d);
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          latch.await();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
