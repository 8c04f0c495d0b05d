package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.ring.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The distinct keys of one lane-batch run at once, each key's jobs in order; a failure holds back
 * its key (or, under {@link OrderScope#LANE}, the lane); a lost lease, a shutdown and a host's
 * deadline stop every key.
 */
class KeyConcurrencyTest {
  /**
   * Bounds every wait of a handler for another key's thread; never reached when the test passes.
   */
  private static final long WAIT_SECONDS = 10;

  private final EngineFixture world = new EngineFixture();
  private final Map<String, List<String>> ran = new ConcurrentHashMap<>();
  private LaneProcessor processor;

  @AfterEach
  void close() {
    if (processor != null) {
      processor.close(Duration.ofSeconds(5));
    }
  }

  /** {@code n} keys the ring puts in one lane. */
  private List<String> keysInOneLane(int n) {
    Lane lane = world.laneOf("sku-0");
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < n; i++) {
      if (world.laneOf("sku-" + i).equals(lane)) {
        keys.add("sku-" + i);
      }
    }
    return keys;
  }

  private LaneProcessor processor(JobHandler handler, EngineConfig config) {
    processor =
        world.processor(
            JobHandlers.builder().on("reserve", handler).build(),
            config,
            EngineFixture.SAME_THREAD);
    return processor;
  }

  private void record(Job job) {
    ran.computeIfAbsent(job.key(), k -> Collections.synchronizedList(new ArrayList<>()))
        .add(job.messageId());
  }

  private static List<String> ids(Message... messages) {
    return List.of(messages).stream().map(Message::messageId).toList();
  }

  private static Status status(BatchOutcome batch, Message m) {
    return batch.outcome(m.messageId()).orElseThrow().status();
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the other key never came");
    }
  }

  @Test
  void twoKeysOfALaneAreInFlightTogetherAndEachKeepsItsOrder() throws Exception {
    List<String> keys = keysInOneLane(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message a2 = world.job(keys.get(0), "reserve");
    Message b2 = world.job(keys.get(1), "reserve");
    Message a3 = world.job(keys.get(0), "reserve");
    // Released only when both keys' first jobs are in their handlers at the same time.
    CountDownLatch bothIn = new CountDownLatch(2);
    JobHandler handler =
        (job, context) -> {
          record(job);
          if (job.messageId().equals(a1.messageId()) || job.messageId().equals(b1.messageId())) {
            bothIn.countDown();
            await(bothIn);
          }
        };

    BatchOutcome batch =
        processor(handler, world.config().build()).process(List.of(a1, b1, a2, b2, a3));

    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.DONE);
    assertThat(ran.get(keys.get(0))).containsExactlyElementsOf(ids(a1, a2, a3));
    assertThat(ran.get(keys.get(1))).containsExactlyElementsOf(ids(b1, b2));
    assertThat(world.actions.deleted())
        .containsExactlyInAnyOrderElementsOf(ids(a1, b1, a2, b2, a3));
  }

  @Test
  void atMostKeyConcurrencyKeysRunAtOnce() throws Exception {
    List<String> keys = keysInOneLane(5);
    List<Message> messages = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (String key : keys) {
        messages.add(world.job(key, "reserve"));
      }
    }
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch twoIn = new CountDownLatch(2);
    JobHandler handler =
        (job, context) -> {
          int now = inFlight.incrementAndGet();
          most.accumulateAndGet(now, Math::max);
          twoIn.countDown();
          await(twoIn);
          record(job);
          inFlight.decrementAndGet();
        };

    BatchOutcome batch =
        processor(handler, world.config().keyConcurrency(2).build()).process(messages);

    assertThat(batch.count(Status.DONE)).isEqualTo(10);
    assertThat(most.get()).isEqualTo(2);
    for (String key : keys) {
      assertThat(ran.get(key)).hasSize(2);
    }
  }

  @Test
  void keyConcurrencyOneRunsOneKeyAtATime() throws Exception {
    List<String> keys = keysInOneLane(3);
    List<Message> messages = new ArrayList<>();
    for (String key : keys) {
      messages.add(world.job(key, "reserve"));
      messages.add(world.job(key, "reserve"));
    }
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    JobHandler handler =
        (job, context) -> {
          most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          record(job);
          inFlight.decrementAndGet();
        };

    BatchOutcome batch =
        processor(handler, world.config().keyConcurrency(1).build()).process(messages);

    assertThat(batch.count(Status.DONE)).isEqualTo(6);
    assertThat(most.get()).isEqualTo(1);
  }

  @Test
  void byKeyAFailureHoldsBackOnlyItsOwnKey() throws Exception {
    List<String> keys = keysInOneLane(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message a2 = world.job(keys.get(0), "reserve");
    Message b2 = world.job(keys.get(1), "reserve");
    JobHandler handler =
        (job, context) -> {
          record(job);
          if (job.messageId().equals(a1.messageId())) {
            throw new IllegalStateException("stock table unreachable");
          }
        };

    BatchOutcome batch =
        processor(handler, world.config().build()).process(List.of(a1, b1, a2, b2));

    assertThat(status(batch, a1)).isEqualTo(Status.RETURNED);
    assertThat(status(batch, a2)).isEqualTo(Status.RETURNED);
    assertThat(batch.outcome(a2.messageId()).orElseThrow().reason()).contains("of its key");
    assertThat(status(batch, b1)).isEqualTo(Status.DONE);
    assertThat(status(batch, b2)).isEqualTo(Status.DONE);
    assertThat(ran.get(keys.get(0)))
        .as("the failed key's later job never ran")
        .containsExactly(a1.messageId());
    assertThat(world.actions.deleted()).containsExactlyInAnyOrderElementsOf(ids(b1, b2));
    assertThat(batch.outcome(a2.messageId()).orElseThrow().visibility())
        .as("the key goes back with the failed job's backoff")
        .isEqualTo(batch.outcome(a1.messageId()).orElseThrow().visibility());
  }

  @Test
  void inLaneScopeAFailureHoldsBackEveryLaterJobOfTheLane() throws Exception {
    List<String> keys = keysInOneLane(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message a2 = world.job(keys.get(0), "reserve");
    JobHandler handler =
        (job, context) -> {
          record(job);
          if (job.messageId().equals(a1.messageId())) {
            throw new IllegalStateException("stock table unreachable");
          }
        };

    BatchOutcome batch =
        processor(handler, world.config().orderScope(OrderScope.LANE).build())
            .process(List.of(a1, b1, a2));

    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.RETURNED);
    assertThat(ran).containsOnlyKeys(keys.get(0));
    assertThat(world.actions.deleted()).isEmpty();
  }

  @Test
  void aLeaseLostWhileTwoKeysRunStopsBothAndDeletesNothing() throws Exception {
    List<String> keys = keysInOneLane(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message a2 = world.job(keys.get(0), "reserve");
    Message b2 = world.job(keys.get(1), "reserve");
    CountDownLatch bothIn = new CountDownLatch(2);
    CountDownLatch expired = new CountDownLatch(1);
    JobHandler handler =
        (job, context) -> {
          record(job);
          bothIn.countDown();
          await(bothIn);
          if (job.messageId().equals(a1.messageId())) {
            // The process pauses past its lease: nothing renewed it.
            world.ticker.advance(EngineFixture.LEASE.plusSeconds(1));
            expired.countDown();
          } else {
            await(expired);
          }
        };

    BatchOutcome batch =
        processor(handler, world.config().build()).process(List.of(a1, b1, a2, b2));

    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.LOST);
    assertThat(ran.get(keys.get(0))).containsExactly(a1.messageId());
    assertThat(ran.get(keys.get(1))).containsExactly(b1.messageId());
    assertThat(world.actions.deleted()).isEmpty();
  }

  @Test
  void aShutdownWhileTwoKeysRunLetsThemFinishAndStartsNoMore() throws Exception {
    List<String> keys = keysInOneLane(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message a2 = world.job(keys.get(0), "reserve");
    Message b2 = world.job(keys.get(1), "reserve");
    CountDownLatch bothIn = new CountDownLatch(2);
    CountDownLatch shutdownBegun = new CountDownLatch(1);
    AtomicReference<LaneProcessor> self = new AtomicReference<>();
    JobHandler handler =
        (job, context) -> {
          record(job);
          bothIn.countDown();
          await(bothIn);
          if (job.messageId().equals(a1.messageId())) {
            self.get().shutdown(Duration.ofMinutes(1));
            shutdownBegun.countDown();
          } else {
            await(shutdownBegun);
          }
        };
    self.set(processor(handler, world.config().build()));

    BatchOutcome batch = processor.process(List.of(a1, b1, a2, b2));

    assertThat(status(batch, a1)).isEqualTo(Status.DONE);
    assertThat(status(batch, b1)).isEqualTo(Status.DONE);
    assertThat(status(batch, a2)).isEqualTo(Status.RETURNED);
    assertThat(status(batch, b2)).isEqualTo(Status.RETURNED);
    assertThat(world.actions.deleted()).containsExactlyInAnyOrderElementsOf(ids(a1, b1));
    assertThat(batch.outcome(a2.messageId()).orElseThrow().visibility()).isEqualTo(Duration.ZERO);
    assertThat(
            processor
                .shutdown(Duration.ZERO)
                .get(WAIT_SECONDS, TimeUnit.SECONDS)
                .messagesReturned())
        .isEqualTo(2);
  }

  @Test
  void abandoningTheBatchInterruptsEveryKeysThreadAndGivesBackWhatIsUnfinished() throws Exception {
    List<String> keys = keysInOneLane(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    CountDownLatch bothIn = new CountDownLatch(2);
    CountDownLatch interrupted = new CountDownLatch(2);
    JobHandler handler =
        (job, context) -> {
          bothIn.countDown();
          try {
            new CountDownLatch(1).await(WAIT_SECONDS, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
        };
    LaneProcessor p =
        world.processor(
            JobHandlers.builder().on("reserve", handler).build(),
            world.config().build(),
            command -> new Thread(command, "test-lane").start());
    processor = p;

    SubmittedBatch submitted = p.submitBatch(List.of(a1, b1), null);
    await(bothIn);
    submitted.abandon("the invocation's time is running out");
    BatchOutcome batch = submitted.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS))
        .as("both keys' threads interrupted")
        .isTrue();
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.RETURNED);
    assertThat(world.actions.deleted()).isEmpty();
  }

  @Test
  void underAPartialBatchResponseASuccessBehindAFailureOfAnotherKeyGoesBackToo() throws Exception {
    List<String> keys = keysInOneLane(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message b2 = world.job(keys.get(1), "reserve");
    CountDownLatch bDone = new CountDownLatch(1);
    JobHandler handler =
        (job, context) -> {
          record(job);
          if (job.messageId().equals(a1.messageId())) {
            await(bDone);
            throw new IllegalStateException("stock table unreachable");
          }
          if (job.messageId().equals(b2.messageId())) {
            bDone.countDown();
          }
        };

    BatchOutcome batch =
        processor(handler, world.config().partialBatchResponse(true).build())
            .process(List.of(a1, b1, b2));

    assertThat(ran.get(keys.get(1)))
        .as("b's jobs ran while a1 ran")
        .containsExactlyElementsOf(ids(b1, b2));
    assertThat(batch.redeliveredMessageIds()).containsExactlyElementsOf(ids(a1, b1, b2));
    assertThat(batch.outcome(b1.messageId()).orElseThrow().reason()).contains("DUPLICATE");
    assertThat(world.actions.deleted()).as("nothing both deleted and reported").isEmpty();
  }

  @Test
  void withoutAPartialBatchResponseTheOtherKeysSuccessesAreDeleted() throws Exception {
    List<String> keys = keysInOneLane(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    JobHandler handler =
        (job, context) -> {
          if (job.messageId().equals(a1.messageId())) {
            throw new IllegalStateException("stock table unreachable");
          }
        };

    BatchOutcome batch = processor(handler, world.config().build()).process(List.of(a1, b1));

    assertThat(batch.redeliveredMessageIds()).containsExactly(a1.messageId());
    assertThat(world.actions.deleted()).containsExactly(b1.messageId());
  }
}
