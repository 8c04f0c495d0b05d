package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.lease.FailureRecord;
import io.fenceq.lease.LaneLeases;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A job's time limit: a handler that runs past it is interrupted and its job failed with a reason
 * naming the limit; a thread that ignores the interrupt for the write-off grace is written off, and
 * its lane slot, its thread's place and its lane go on without it. Time is the fixture's manual
 * ticker and scheduler; the lanes run on the processor's own threads.
 */
class JobTimeLimitTest {
  private static final long WAIT_SECONDS = 10;
  private static final Duration LIMIT = Duration.ofSeconds(45);
  private static final Duration GRACE = Duration.ofSeconds(5);

  private final EngineFixture world = new EngineFixture();
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch sawInterrupt = new CountDownLatch(1);
  private final CountDownLatch letGo = new CountDownLatch(1);
  private final CountDownLatch zombieEnded = new CountDownLatch(1);
  private final AtomicReference<Throwable> zombieFenceCheck = new AtomicReference<>();
  private final AtomicInteger quickRuns = new AtomicInteger();
  private final List<Long> fences = new CopyOnWriteArrayList<>();
  private LaneProcessor processor;

  @AfterEach
  void stop() {
    letGo.countDown();
    if (processor != null) {
      processor.close(Duration.ZERO);
    }
  }

  /** Blocks until interrupted, then throws as a well-behaved handler does. */
  private final JobHandler blocksUntilInterrupted =
      (job, context) -> {
        started.countDown();
        try {
          letGo.await();
        } catch (InterruptedException e) {
          sawInterrupt.countDown();
          throw e;
        }
      };

  /** Swallows every interrupt until the test lets it go, then checks its fence. */
  private final JobHandler ignoresInterrupts =
      (job, context) -> {
        fences.add(context.fence());
        started.countDown();
        try {
          while (true) {
            try {
              letGo.await();
              break;
            } catch (InterruptedException e) {
              sawInterrupt.countDown();
            }
          }
          context.checkFence();
        } catch (Throwable e) {
          zombieFenceCheck.set(e);
          throw e;
        } finally {
          zombieEnded.countDown();
        }
      };

  private final JobHandler quick =
      (job, context) -> {
        fences.add(context.fence());
        quickRuns.incrementAndGet();
      };

  private LaneProcessor start(JobHandlers handlers, EngineConfig config) {
    // No executor: the processor's own pool, whose threads a written-off handler keeps.
    processor =
        LaneProcessor.builder()
            .config(config)
            .leases(world.leases)
            .handlers(handlers)
            .queueActions(world.actions)
            .metrics(world.metrics)
            .ticker(world.ticker)
            .clock(world.clock)
            .scheduler(world.scheduler)
            .build();
    return processor;
  }

  /**
   * Whether the lane thread has left the processor's count: it settles the batch (which completes
   * the caller's future) just before it leaves, so the count may lag the answer by a moment.
   */
  private boolean noLaneInFlight() throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (processor.lanesInFlight() > 0) {
      if (System.nanoTime() - end > 0) {
        return false;
      }
      Thread.sleep(1);
    }
    return true;
  }

  /** Moves time by {@code d} in heartbeat-sized steps, running what falls due at each. */
  private void advance(Duration d) {
    Duration step = EngineFixture.RENEW;
    while (!d.isZero()) {
      Duration by = d.compareTo(step) < 0 ? d : step;
      world.ticker.advance(by);
      world.clock.advance(by);
      world.scheduler.runDue();
      d = d.minus(by);
    }
  }

  @Test
  void aHandlerPastItsTypesLimitIsInterruptedAndItsJobFailsWithTheLimitAsReason() throws Exception {
    start(
        JobHandlers.builder().on("reserve", blocksUntilInterrupted, LIMIT).build(),
        world.config().build());
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "reserve");
    CompletableFuture<BatchOutcome> running = processor.submit(List.of(m1, m2));
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    advance(LIMIT.minusSeconds(1));
    assertThat(sawInterrupt.getCount()).isEqualTo(1);
    assertThat(running).isNotDone();

    advance(Duration.ofSeconds(1));

    assertThat(sawInterrupt.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    BatchOutcome batch = running.get(WAIT_SECONDS, TimeUnit.SECONDS);
    MessageOutcome failed = batch.outcome(m1.messageId()).orElseThrow();
    assertThat(failed.status()).isEqualTo(Status.RETURNED);
    assertThat(failed.visibility()).isPositive();
    assertThat(failed.reason())
        .contains("job ran past its time limit of 45s (job type reserve)")
        .contains(JobTimedOutException.class.getSimpleName());
    MessageOutcome behind = batch.outcome(m2.messageId()).orElseThrow();
    assertThat(behind.status()).isEqualTo(Status.RETURNED);
    assertThat(behind.visibility()).isEqualTo(failed.visibility());
    assertThat(world.actions.deleted()).isEmpty();
    assertThat(world.held(world.laneOf(key))).isFalse();
    assertThat(world.metrics.total(EngineMetrics.JOBS_TIMED_OUT)).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.JOBS_FAILED)).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.THREADS_WRITTEN_OFF)).isZero();
    assertThat(processor.threadsWrittenOff()).isZero();
    assertThat(noLaneInFlight()).isTrue();
  }

  @Test
  void aHandlerWithinTheEnginesLimitIsLeftAlone() throws Exception {
    start(
        JobHandlers.builder().on("reserve", blocksUntilInterrupted).build(),
        world.config().jobTimeLimit(Duration.ofMinutes(2)).build());
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    CompletableFuture<BatchOutcome> running = processor.submit(List.of(m1));
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    advance(Duration.ofMinutes(2).minusSeconds(1));
    letGo.countDown();

    BatchOutcome batch = running.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(batch.outcome(m1.messageId()).orElseThrow().status()).isEqualTo(Status.DONE);
    assertThat(sawInterrupt.getCount()).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.JOBS_TIMED_OUT)).isZero();
  }

  @Test
  void aThreadIgnoringTheInterruptIsWrittenOffAndItsSlotThreadAndLaneGoOn() throws Exception {
    start(
        JobHandlers.builder().on("reserve", ignoresInterrupts).on("quick", quick).build(),
        world.config().maxLanesInFlight(1).jobTimeLimit(LIMIT).writeOffGrace(GRACE).build());
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "quick");
    CompletableFuture<BatchOutcome> running = processor.submit(List.of(m1, m2));
    assertThat(started.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    advance(LIMIT);
    assertThat(sawInterrupt.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    advance(GRACE.minusSeconds(1));
    assertThat(running).isNotDone();
    assertThat(processor.lanesInFlight()).isEqualTo(1);

    advance(Duration.ofSeconds(1));

    // The lane is settled without the thread: nothing of it deleted, all of it back in the queue.
    BatchOutcome batch = running.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(batch.messages())
        .allSatisfy(
            o -> {
              assertThat(o.status()).isEqualTo(Status.RETURNED);
              assertThat(o.visibility()).isPositive();
            });
    assertThat(batch.outcome(m1.messageId()).orElseThrow().reason())
        .contains("job ran past its time limit of 45s (job type reserve)")
        .contains("written off");
    assertThat(world.actions.deleted()).isEmpty();
    assertThat(world.held(world.laneOf(key))).isFalse();
    assertThat(noLaneInFlight()).isTrue();
    assertThat(processor.threadsWrittenOff()).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.THREADS_WRITTEN_OFF)).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.JOBS_TIMED_OUT)).isEqualTo(1);
    assertThat(quickRuns).hasValue(0);

    // The only lane slot and a thread are free again: the lane's next batch runs, under a new
    // fence.
    Message m3 = world.job(key, "quick");
    BatchOutcome next = processor.submit(List.of(m3)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(next.outcome(m3.messageId()).orElseThrow().status()).isEqualTo(Status.DONE);
    assertThat(quickRuns).hasValue(1);
    assertThat(fences).hasSize(2);
    assertThat(fences.get(1)).isGreaterThan(fences.get(0));

    // The written-off thread, let go at last, finds its lane lost and deletes nothing.
    letGo.countDown();
    assertThat(zombieEnded.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(zombieFenceCheck.get())
        .isInstanceOf(LaneLostException.class)
        .hasMessageContaining("written off");
    assertThat(world.actions.deleted()).containsExactly(m3.messageId());
  }

  @Test
  void aJobWhoseThreadIsWrittenOffEveryTimeIsCountedAndDeadLetteredAtMaxAttempts()
      throws Exception {
    Semaphore running = new Semaphore(0);
    AtomicInteger runs = new AtomicInteger();
    JobHandler hangsEveryTime =
        (job, context) -> {
          runs.incrementAndGet();
          running.release();
          while (true) {
            try {
              letGo.await();
              return;
            } catch (InterruptedException e) {
              // ignored: this handler never gives up its thread
            }
          }
        };
    start(
        JobHandlers.builder().on("reserve", hangsEveryTime).build(),
        world.config().maxAttempts(2).jobTimeLimit(LIMIT).writeOffGrace(GRACE).build());
    String key = world.keysInDistinctLanes(1).get(0);
    String leaseId = LaneLeases.leaseId(world.laneOf(key));
    Message m = world.job(key, "reserve");

    for (int attempt = 1; attempt <= 2; attempt++) {
      CompletableFuture<BatchOutcome> batch = processor.submit(List.of(redelivered(m, attempt)));
      assertThat(running.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      advance(LIMIT);
      advance(GRACE);
      MessageOutcome writtenOff =
          batch.get(WAIT_SECONDS, TimeUnit.SECONDS).outcome(m.messageId()).orElseThrow();
      assertThat(writtenOff.status()).isEqualTo(Status.RETURNED);
      assertThat(world.leases.failure(leaseId))
          .map(FailureRecord::failures)
          .as("failures counted after write-off %d", attempt)
          .contains(attempt);
      advance(writtenOff.visibility());
    }
    MessageOutcome third =
        processor
            .submit(List.of(redelivered(m, 3)))
            .get(WAIT_SECONDS, TimeUnit.SECONDS)
            .outcome(m.messageId())
            .orElseThrow();

    assertThat(runs).as("the third delivery does not run it").hasValue(2);
    assertThat(third.status()).isEqualTo(Status.DEAD_LETTERED);
    assertThat(third.reason())
        .startsWith("its handler failed 2 times (maxAttempts 2)")
        .contains("job ran past its time limit of 45s (job type reserve)");
    assertThat(world.leases.failure(leaseId)).isEmpty();
    assertThat(processor.threadsWrittenOff()).isEqualTo(2);
  }

  private static Message redelivered(Message m, int receiveCount) {
    Map<MessageSystemAttributeName, String> attributes = new HashMap<>(m.attributes());
    attributes.put(
        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, Integer.toString(receiveCount));
    return m.toBuilder().attributes(attributes).build();
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> world.config().jobTimeLimit(Duration.ZERO).build())
        .hasMessageContaining("jobTimeLimit");
    assertThatThrownBy(() -> world.config().jobTimeLimit(Duration.ofHours(2)).build())
        .hasMessageContaining("jobTimeLimit")
        .hasMessageContaining("7200s");
    assertThatThrownBy(() -> world.config().writeOffGrace(Duration.ofMinutes(6)).build())
        .hasMessageContaining("writeOffGrace");
    assertThatThrownBy(
            () -> JobHandlers.builder().on("reserve", quick, Duration.ofSeconds(-1)).build())
        .hasMessageContaining("timeLimit of reserve");
    EngineConfig defaults = world.config().build();
    assertThat(defaults.jobTimeLimit()).isEqualTo(Duration.ofMinutes(15));
    assertThat(defaults.writeOffGrace()).isEqualTo(Duration.ofSeconds(30));
  }
}
