package io.fenceq.engine;

import static io.fenceq.testing.InMemoryLeases.Write.ACQUIRE;
import static io.fenceq.testing.InMemoryLeases.Write.RELEASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.engine.RecordingQueueActions.Call;
import io.fenceq.fence.FenceToken;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseRefusal;
import io.fenceq.lease.SequenceSpan;
import io.fenceq.ring.Lane;
import io.fenceq.testing.InMemoryLeases;
import io.fenceq.time.ManualClock;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** One batch through the engine: lanes, order, failures, leases, permanent errors. */
class LaneProcessorTest {
  private final EngineFixture world = new EngineFixture();
  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

  /** A handler that records the message id it ran, and fails the jobs whose key says so. */
  private final JobHandler recording =
      (job, context) -> {
        ran.add(job.messageId());
        if (job.payload().has("fail")) {
          throw new IllegalStateException("scripted failure of " + job.messageId());
        }
      };

  private JobHandlers handlers() {
    return JobHandlers.builder().on("reserve", recording).build();
  }

  private static MessageOutcome outcome(BatchOutcome batch, Message m) {
    return batch.outcome(m.messageId()).orElseThrow();
  }

  private static List<String> ids(Message... messages) {
    return List.of(messages).stream().map(Message::messageId).toList();
  }

  @Test
  void runsEachLanesJobsInOrderAndDeletesItsSuccessesInOneCall() throws Exception {
    List<String> keys = world.keysInDistinctLanes(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message a2 = world.job(keys.get(0), "reserve");
    Message b2 = world.job(keys.get(1), "reserve");
    Message a3 = world.job(keys.get(0), "reserve");

    BatchOutcome batch = world.processor(handlers()).process(List.of(a1, b1, a2, b2, a3));

    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.DONE);
    assertThat(batch.messages())
        .extracting(MessageOutcome::messageId)
        .containsExactlyElementsOf(ids(a1, b1, a2, b2, a3));
    // Lane by lane (one thread here), each lane in received order.
    assertThat(ran).containsExactlyElementsOf(ids(a1, a2, a3, b1, b2));
    assertThat(world.actions.calls("delete"))
        .extracting(Call::messageIds)
        .containsExactly(ids(a1, a2, a3), ids(b1, b2));
    assertThat(world.actions.calls("visibility")).isEmpty();
    assertThat(world.leaseWrites(ACQUIRE)).isEqualTo(2);
    // Every message deleted: the lanes' next batches are handed the leases, nothing is released.
    assertThat(world.leaseWrites(RELEASE)).isZero();
    assertThat(world.holder(world.laneOf(keys.get(0)))).contains("consumer-a");
    assertThat(world.metrics.total(EngineMetrics.JOBS_OK)).isEqualTo(5);
    assertThat(world.metrics.points(EngineMetrics.JOBS_OK).get(0).dimensions())
        .containsEntry(EngineMetrics.QUEUE, "work.fifo")
        .containsEntry(EngineMetrics.TYPE, "reserve");
    assertThat(world.metrics.points(EngineMetrics.ENQUEUE_TO_APPLY))
        .extracting(RecordingMetrics.Point::duration)
        .containsOnly(Duration.ofSeconds(3));
  }

  @Test
  void aFailingJobStopsOnlyItsLaneAndGoesBackWithTheRestOfItsLaneWithBackoff() throws Exception {
    List<String> keys = world.keysInDistinctLanes(2);
    Message a1 = world.job(keys.get(0), "reserve");
    Message a2 = failing(keys.get(0), 3);
    Message a3 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message b2 = world.job(keys.get(1), "reserve");

    BatchOutcome batch = world.processor(handlers()).process(List.of(a1, a2, a3, b1, b2));

    assertThat(ran).containsExactlyElementsOf(ids(a1, a2, b1, b2));
    assertThat(outcome(batch, a1).status()).isEqualTo(Status.DONE);
    assertThat(outcome(batch, b1).status()).isEqualTo(Status.DONE);
    assertThat(outcome(batch, b2).status()).isEqualTo(Status.DONE);
    MessageOutcome failed = outcome(batch, a2);
    assertThat(failed.status()).isEqualTo(Status.RETURNED);
    assertThat(failed.reason()).contains("scripted failure of " + a2.messageId());
    // Third delivery: 2 s doubled twice, with equal jitter.
    assertThat(failed.visibility()).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    MessageOutcome behind = outcome(batch, a3);
    assertThat(behind.status()).isEqualTo(Status.RETURNED);
    assertThat(behind.visibility()).isEqualTo(failed.visibility());
    assertThat(behind.reason()).contains("behind job " + a2.messageId());
    assertThat(world.actions.calls("delete"))
        .extracting(Call::messageIds)
        .containsExactly(ids(a1), ids(b1, b2));
    assertThat(world.actions.calls("visibility"))
        .containsExactly(new Call("visibility", ids(a2, a3), failed.visibility(), ""));
    assertThat(batch.redeliveredMessageIds()).containsExactlyElementsOf(ids(a2, a3));
    assertThat(world.metrics.total(EngineMetrics.JOBS_FAILED)).isEqualTo(1);
  }

  @Test
  void aJobFailingOnItsLastDeliveryIsDeadLetteredWithItsErrorAndItsLaneGoesOn() throws Exception {
    // SQS counts deliveries, not attempts: the jobs received behind a failing one are at its count
    // too, and the redrive policy would take them to the dead-letter queue with it, unrun.
    String key = world.keysInDistinctLanes(1).get(0);
    Message poison = failing(key, 5);
    Message behind = world.job(key, "reserve", 5);
    LaneProcessor processor =
        world.processor(
            handlers(), world.config().maxReceiveCount(5).build(), EngineFixture.SAME_THREAD);

    BatchOutcome batch = processor.process(List.of(poison, behind));

    assertThat(ran).containsExactlyElementsOf(ids(poison, behind));
    MessageOutcome dead = outcome(batch, poison);
    assertThat(dead.status()).isEqualTo(Status.DEAD_LETTERED);
    assertThat(dead.reason())
        .contains("failed on delivery 5 of 5")
        .contains("scripted failure of " + poison.messageId());
    assertThat(outcome(batch, behind).status()).isEqualTo(Status.DONE);
    // The dead letter is sent once SQS confirms that this delivery is still this consumer's.
    assertThat(world.actions.calls())
        .extracting(Call::action)
        .containsExactly("visibility", "deadLetter", "delete");
    assertThat(world.actions.deleted()).containsExactlyElementsOf(ids(poison, behind));
    assertThat(batch.redeliveredMessageIds()).isEmpty();
    assertThat(world.metrics.total(EngineMetrics.JOBS_DEAD_LETTERED)).isEqualTo(1);
  }

  @Test
  void aJobThisConsumerNoLongerHoldsIsLeftAloneRatherThanDeadLettered() throws Exception {
    // A consumer paused with a lane-batch can wake after another consumer received, ran and
    // deleted the same jobs: SQS refuses this delivery's receipt handle, and the lane is lost.
    String key = world.keysInDistinctLanes(1).get(0);
    Message poison = failing(key, 5);
    Message behind = world.job(key, "reserve", 5);
    world.actions.failVisibilityOf(poison.messageId());
    LaneProcessor processor =
        world.processor(
            handlers(), world.config().maxReceiveCount(5).build(), EngineFixture.SAME_THREAD);

    BatchOutcome batch = processor.process(List.of(poison, behind));

    assertThat(ran).containsExactlyElementsOf(ids(poison));
    MessageOutcome left = outcome(batch, poison);
    assertThat(left.status()).isEqualTo(Status.LOST);
    assertThat(left.reason())
        .startsWith("not dead-lettered, as this consumer no longer holds it: SQS refused")
        .contains("ReceiptHandleIsInvalid");
    assertThat(outcome(batch, behind).status()).isEqualTo(Status.LOST);
    assertThat(world.actions.calls("deadLetter")).isEmpty();
    assertThat(world.actions.deleted()).isEmpty();
    assertThat(world.metrics.total(EngineMetrics.JOBS_DEAD_LETTERED)).isZero();
  }

  @Test
  void aJobWhoseLeaseRanOutWhileItsHandlerRanIsLeftAloneRatherThanDeadLettered() throws Exception {
    // The process was paused inside the handler for longer than the lease: whoever took the lane
    // over may have run the job since, so its last failure here is not this consumer's to report.
    String key = world.keysInDistinctLanes(1).get(0);
    Message poison = failing(key, 5);
    JobHandler pausedThenFailing =
        (job, context) -> {
          world.ticker.advance(world.leaseConfig.leaseDuration().plusSeconds(1));
          throw new IllegalStateException("scripted failure after a pause");
        };
    LaneProcessor processor =
        world.processor(
            JobHandlers.builder().on("reserve", pausedThenFailing).build(),
            world.config().maxReceiveCount(5).build(),
            EngineFixture.SAME_THREAD);

    BatchOutcome batch = processor.process(List.of(poison));

    MessageOutcome left = outcome(batch, poison);
    assertThat(left.status()).isEqualTo(Status.LOST);
    assertThat(left.reason()).contains("the lease ran out locally");
    assertThat(world.actions.calls("deadLetter")).isEmpty();
    assertThat(world.actions.deleted()).isEmpty();
  }

  @Test
  void beforeItsLastDeliveryOrWithoutTheCountAFailedJobGoesBackAsBefore() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message early = failing(key, 4);
    Message unknownCount = failing(key, 9);

    BatchOutcome withCount =
        world
            .processor(
                handlers(), world.config().maxReceiveCount(5).build(), EngineFixture.SAME_THREAD)
            .process(List.of(early));
    BatchOutcome withoutCount = world.processor(handlers()).process(List.of(unknownCount));

    assertThat(outcome(withCount, early).status()).isEqualTo(Status.RETURNED);
    assertThat(outcome(withoutCount, unknownCount).status()).isEqualTo(Status.RETURNED);
    assertThat(world.actions.calls("deadLetter")).isEmpty();
  }

  @Test
  void aLastDeliveryWhoseDeadLetterSendFailsGoesBackWithTheRestOfItsLane() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message poison = failing(key, 5);
    Message behind = world.job(key, "reserve", 5);
    world.actions.failDeadLetters();

    BatchOutcome batch =
        world
            .processor(
                handlers(), world.config().maxReceiveCount(5).build(), EngineFixture.SAME_THREAD)
            .process(List.of(poison, behind));

    assertThat(ran).containsExactlyElementsOf(ids(poison));
    assertThat(batch.redeliveredMessageIds()).containsExactlyElementsOf(ids(poison, behind));
    assertThat(world.actions.deleted()).isEmpty();
  }

  private Message failing(String key, int receiveCount) {
    Message m = world.job(key, "reserve", receiveCount);
    return m.toBuilder()
        .body(m.body().replace("\"payload\":{}", "\"payload\":{\"fail\":1}"))
        .build();
  }

  @Test
  void aLaneHeldByAnotherLiveConsumerGoesBackForTheRestOfItsLeaseAndIsNotRun() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Lane lane = world.laneOf(key);
    LaneLeases other = world.contender(world.ticker, world.clock);
    assertThat(other.acquire(LaneLeases.leaseId(lane), "consumer-b")).isInstanceOf(Lease.class);
    world.ticker.advance(Duration.ofSeconds(12));
    world.clock.advance(Duration.ofSeconds(12));
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "reserve");
    // The holder's lease ends in 18 s; a lease is taken only once its expiry is past, 1 ms later.
    Duration rest = Duration.ofMillis(18_001);

    BatchOutcome batch = world.processor(handlers()).process(List.of(m1, m2));

    assertThat(ran).isEmpty();
    assertThat(batch.messages())
        .allSatisfy(
            o -> {
              assertThat(o.status()).isEqualTo(Status.RETURNED);
              assertThat(o.visibility()).isEqualTo(rest);
              assertThat(o.reason()).contains("held by another consumer").contains("consumer-b");
            });
    assertThat(world.actions.calls())
        .containsExactly(new Call("visibility", ids(m1, m2), rest, ""));
    assertThat(world.holder(lane)).contains("consumer-b");
    assertThat(world.metrics.total(EngineMetrics.LEASE_REFUSALS)).isEqualTo(1);
  }

  @Test
  void permanentErrorsGoToTheDeadLetterQueueBeforeTheirDeleteAndTheLaneGoesOn() throws Exception {
    List<String> keys = world.keysInDistinctLanes(2);
    String key = keys.get(0);
    String laneId = world.laneOf(key).id();
    Message malformed = world.message("{\"v\":1,\"key\":", laneId, world.ring.descriptor(), 1);
    Message unknownType = world.job(key, "nope");
    Message otherRing = world.job(key, "reserve");
    otherRing = world.message(otherRing.body(), laneId, world.ring.withLanes(8).descriptor(), 1);
    Message wrongLane = world.job(keys.get(1), "reserve");
    wrongLane = world.message(wrongLane.body(), laneId, world.ring.descriptor(), 1);
    Message good = world.job(key, "reserve");
    Message foreign = world.message("{}", "orders", null, 1);

    // Lane scope: one job after another, so the order of the calls across keys is fixed.
    BatchOutcome batch =
        world
            .processor(
                handlers(),
                world.config().orderScope(OrderScope.LANE).build(),
                EngineFixture.SAME_THREAD)
            .process(List.of(malformed, unknownType, otherRing, wrongLane, good, foreign));

    assertThat(ran).containsExactly(good.messageId());
    assertThat(outcome(batch, good).status()).isEqualTo(Status.DONE);
    for (Message m : List.of(malformed, unknownType, otherRing, wrongLane, foreign)) {
      assertThat(outcome(batch, m).status()).isEqualTo(Status.DEAD_LETTERED);
    }
    // Each dead letter is sent once SQS confirmed that this delivery is still this consumer's.
    assertThat(world.actions.calls("visibility"))
        .extracting(Call::messageIds)
        .containsExactly(
            ids(malformed), ids(unknownType), ids(otherRing), ids(wrongLane), ids(foreign));
    List<Call> calls =
        world.actions.calls().stream().filter(c -> !c.action().equals("visibility")).toList();
    assertThat(calls)
        .extracting(Call::action)
        .containsExactly(
            "deadLetter",
            "deadLetter",
            "deadLetter",
            "deadLetter",
            "delete",
            "deadLetter",
            "delete");
    assertThat(calls.get(0).reason()).startsWith("malformed job: body is not JSON");
    assertThat(calls.get(1).reason()).contains("no handler for job type \"nope\"");
    assertThat(calls.get(2).reason())
        .contains("placed by ring m3-8x2048")
        .contains("runs ring m3-16x2048");
    assertThat(calls.get(3).reason())
        .contains("belongs to " + world.laneOf(keys.get(1)))
        .contains("arrived in " + laneId);
    assertThat(calls.get(4).messageIds())
        .containsExactlyElementsOf(ids(malformed, unknownType, otherRing, wrongLane, good));
    assertThat(calls.get(5).reason()).contains("\"orders\" is not a lane id");
    assertThat(calls.get(6).messageIds()).containsExactly(foreign.messageId());
    assertThat(outcome(batch, unknownType).reason()).isEqualTo(calls.get(1).reason());
    // The foreign group names no lane, so no lease was asked for it.
    assertThat(world.leaseWrites(ACQUIRE)).isEqualTo(1);
    assertThat(world.metrics.total(EngineMetrics.JOBS_DEAD_LETTERED)).isEqualTo(5);
  }

  @Test
  void withoutADeadLetterQueueAPermanentErrorFailsNormallyAndTheLaneGoesOn() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message unknownType = world.job(key, "nope", 2);
    Message good = world.job(key, "reserve");
    LaneProcessor processor =
        world.processor(
            handlers(), world.config().deadLetterQueueUrl(null).build(), EngineFixture.SAME_THREAD);

    BatchOutcome batch = processor.process(List.of(unknownType, good));

    MessageOutcome failed = outcome(batch, unknownType);
    assertThat(failed.status()).isEqualTo(Status.RETURNED);
    assertThat(failed.reason())
        .contains("no handler for job type \"nope\"")
        .contains("no dead-letter queue is configured");
    assertThat(failed.visibility()).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
    assertThat(outcome(batch, good).status()).isEqualTo(Status.DONE);
    assertThat(world.actions.calls("deadLetter")).isEmpty();
    assertThat(world.actions.deleted()).containsExactly(good.messageId());
  }

  @Test
  void aDeadLetterSendThatFailsLeavesTheMessageOnTheWorkQueue() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message unknownType = world.job(key, "nope");
    world.actions.failDeadLetters();

    BatchOutcome batch = world.processor(handlers()).process(List.of(unknownType));

    assertThat(outcome(batch, unknownType).status()).isEqualTo(Status.RETURNED);
    assertThat(outcome(batch, unknownType).reason()).contains("dead-letter queue unavailable");
    assertThat(world.actions.deleted()).isEmpty();
  }

  @Test
  void theContextCarriesKeyLaneFenceSeqAndAttemptAndEveryBatchGetsANewFence() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    List<JobContext> seen = new ArrayList<>();
    List<FenceToken> tokens = new ArrayList<>();
    JobHandlers handlers =
        JobHandlers.builder()
            .on(
                "reserve",
                (job, context) -> {
                  seen.add(context);
                  tokens.add(context.fenceToken());
                  assertThat(context.deadline()).isEqualTo(EngineFixture.T0.plusSeconds(30));
                })
            .build();
    LaneProcessor processor = world.processor(handlers);
    Message first = world.job(key, "reserve", 4);
    Message second = world.job(key, "reserve");

    processor.process(List.of(first));
    processor.process(List.of(second));

    JobContext c = seen.get(0);
    assertThat(c.key()).isEqualTo(key);
    assertThat(c.lane()).isEqualTo(world.laneOf(key));
    assertThat(c.attempt()).isEqualTo(4);
    assertThat(c.seq())
        .isEqualTo(first.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER));
    assertThat(tokens.get(0)).isEqualTo(new FenceToken(1, c.seq()));
    // The lease was released after the first batch and granted again, with a larger fence.
    assertThat(seen.get(1).fence()).isEqualTo(2);
    assertThat(tokens.get(1).seqNumber()).isGreaterThan(tokens.get(0).seqNumber());
  }

  @Test
  void aHandlerThatIsFencedLosesTheLaneAndNothingMoreOfItIsDeletedOrRun() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message a1 = world.job(key, "reserve");
    Message a2 = world.job(key, "fenced");
    Message a3 = world.job(key, "reserve");
    JobHandlers handlers =
        JobHandlers.builder()
            .on("reserve", recording)
            .on(
                "fenced",
                (job, context) -> {
                  throw context.fenced("inventory item " + job.key());
                })
            .build();

    BatchOutcome batch = world.processor(handlers).process(List.of(a1, a2, a3));

    assertThat(ran).containsExactly(a1.messageId());
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.LOST);
    assertThat(outcome(batch, a1).reason()).contains("not deleted because the lane was lost");
    assertThat(outcome(batch, a2).reason()).contains("was fenced: inventory item " + key);
    assertThat(world.actions.calls("delete")).isEmpty();
    assertThat(world.actions.calls("visibility")).isEmpty();
    assertThat(world.metrics.total(EngineMetrics.JOBS_FENCED)).isEqualTo(1);
    assertThat(batch.redeliveredMessageIds()).containsExactlyElementsOf(ids(a1, a2, a3));
  }

  @Test
  void aLaneWhoseMessagesAreAllDeletedHandsItsLeaseToTheLanesNextBatchWithoutARelease()
      throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    String leaseId = LaneLeases.leaseId(world.laneOf(key));
    Message m1 = world.job(key, "reserve");
    Message m2 = world.job(key, "reserve");

    world.processor(handlers()).process(List.of(m1, m2));
    Message next = world.job(key, "reserve");

    assertThat(world.leaseWrites(RELEASE)).isZero();
    InMemoryLeases other = world.contender(new ManualTicker(0), new ManualClock(EngineFixture.T0));
    // A redelivery of the batch (its visibility ran out) would find the lease held...
    assertThat(other.acquire(leaseId, "consumer-b", span(m1, m2))).isInstanceOf(LeaseRefusal.class);
    // ...but the lane's next message, which SQS delivers only after the delete, is handed it.
    assertThat(other.acquire(leaseId, "consumer-b", span(next, next))).isInstanceOf(Lease.class);
  }

  @Test
  void aLaneThatGivesAMessageBackReleasesItsLeaseBeforeItDeletesTheRest() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Lane lane = world.laneOf(key);
    AtomicReference<Boolean> heldAtDelete = new AtomicReference<>();
    world.actions.beforeDelete(() -> heldAtDelete.set(world.held(lane)));

    world.processor(handlers()).process(List.of(world.job(key, "reserve"), failing(key, 1)));

    // Else the message given back, which comes back at its own number, would find it held.
    assertThat(heldAtDelete.get()).isFalse();
    assertThat(world.leaseWrites(RELEASE)).isEqualTo(1);
  }

  @Test
  void aDeleteThatFailsAfterAHandoverReleasesTheLease() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m = world.job(key, "reserve");
    world.actions.failDeleteOf(m.messageId());

    world.processor(handlers()).process(List.of(m));

    // The undeleted message comes back at its own number, which no handover passes.
    assertThat(world.leaseWrites(RELEASE)).isEqualTo(1);
    assertThat(world.held(world.laneOf(key))).isFalse();
  }

  @Test
  void aDeleteThatThrowsAfterAHandoverReleasesTheLease() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    world.actions.beforeDelete(
        () -> {
          throw new IllegalStateException("scripted: the delete's outcome is unknown");
        });

    world.processor(handlers()).process(List.of(world.job(key, "reserve")));

    // Whether the message was deleted is unknown: if not, it comes back at its own number.
    assertThat(world.leaseWrites(RELEASE)).isEqualTo(1);
    assertThat(world.held(world.laneOf(key))).isFalse();
  }

  private static SequenceSpan span(Message first, Message last) {
    return new SequenceSpan(
        first.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER),
        last.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER));
  }

  @Test
  void aFailedDeleteIsReportedOnTheDoneJob() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m = world.job(key, "reserve");
    world.actions.failDeleteOf(m.messageId());

    BatchOutcome batch = world.processor(handlers()).process(List.of(m));

    assertThat(outcome(batch, m).status()).isEqualTo(Status.DONE);
    assertThat(outcome(batch, m).reason())
        .contains("its delete failed (ReceiptHandleIsInvalid")
        .contains("delivered again");
  }

  @Test
  void anInterruptedLaneThreadStillReleasesItsLeaseAndReturnsItsMessagesAndStaysInterrupted() {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m1 = world.job(key, "interrupted");
    Message m2 = world.job(key, "reserve");
    JobHandlers handlers =
        JobHandlers.builder()
            .on("reserve", recording)
            .on(
                "interrupted",
                (job, context) -> {
                  Thread.currentThread().interrupt();
                  throw new InterruptedException("scripted");
                })
            .build();

    BatchOutcome batch;
    boolean stillInterrupted;
    try {
      batch = world.processor(handlers).submit(List.of(m1, m2)).join();
    } finally {
      stillInterrupted = Thread.interrupted();
    }

    assertThat(stillInterrupted).isTrue();
    assertThat(batch.redeliveredMessageIds()).containsExactlyElementsOf(ids(m1, m2));
    // The in-memory leases, like the SDK, abort calls made on an interrupted thread.
    assertThat(world.held(world.laneOf(key))).isFalse();
    assertThat(world.actions.calls("visibility"))
        .singleElement()
        .satisfies(c -> assertThat(c.messageIds()).containsExactlyElementsOf(ids(m1, m2)));
  }

  @Test
  void noJobStartsAfterTheHostsDeadline() throws Exception {
    String key = world.keysInDistinctLanes(1).get(0);
    Message m = world.job(key, "reserve");

    BatchOutcome batch =
        world.processor(handlers()).submit(List.of(m), world.clock.instant()).get();

    assertThat(ran).isEmpty();
    assertThat(outcome(batch, m).status()).isEqualTo(Status.RETURNED);
    assertThat(outcome(batch, m).visibility()).isEqualTo(Duration.ZERO);
    assertThat(outcome(batch, m).reason()).contains("host's deadline");
    assertThat(world.held(world.laneOf(key))).isFalse();
  }

  @Test
  void aMessageWithoutTheSystemAttributesIsRefusedBeforeAnythingIsDone() {
    Message m = world.job("sku-1", "reserve");
    Message bare =
        m.toBuilder()
            .attributes(
                java.util.Map.of(
                    MessageSystemAttributeName.MESSAGE_GROUP_ID, world.laneOf("sku-1").id()))
            .build();
    LaneProcessor processor = world.processor(handlers());

    assertThatThrownBy(() -> processor.submit(List.of(m, bare)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bare.messageId())
        .hasMessageContaining("SequenceNumber");
    assertThat(world.actions.calls()).isEmpty();
    assertThat(world.leases.writes()).isZero();
  }

  @Test
  void lanesOfABatchRunConcurrently() throws Exception {
    List<String> keys = world.keysInDistinctLanes(2);
    // Each lane's handler waits for the other's: only lanes running at once get past it.
    CyclicBarrier both = new CyclicBarrier(2);
    AtomicBoolean met = new AtomicBoolean(true);
    JobHandlers handlers =
        JobHandlers.builder()
            .on(
                "reserve",
                (job, context) -> {
                  try {
                    both.await(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    met.set(false);
                    throw e;
                  }
                })
            .build();
    try (LaneProcessor processor =
        world.processor(handlers, world.config().maxLanesInFlight(2).build(), null)) {
      BatchOutcome batch =
          processor.process(
              List.of(world.job(keys.get(0), "reserve"), world.job(keys.get(1), "reserve")));

      assertThat(met).isTrue();
      assertThat(batch.count(Status.DONE)).isEqualTo(2);
    }
  }

  @Test
  void aLaneThatWaitedForASlotLongerThanItsVisibilityAllowsGoesBackUnrun() throws Exception {
    List<String> keys = world.keysInDistinctLanes(2);
    Message early = world.job(keys.get(0), "reserve");
    Message late = world.job(keys.get(1), "reserve");
    List<Runnable> waiting = new ArrayList<>();
    LaneProcessor processor =
        world.processor(handlers(), world.config().maxLanesInFlight(2).build(), waiting::add);

    var earlyBatch = processor.submit(List.of(early));
    var lateBatch = processor.submit(List.of(late));
    // Lease 30 s, renew 10 s: a lane must start within 20 s of its receive.
    world.ticker.advance(Duration.ofSeconds(20));
    waiting.get(0).run();
    world.ticker.advance(Duration.ofMillis(1));
    waiting.get(1).run();

    assertThat(outcome(earlyBatch.get(), early).status()).isEqualTo(Status.DONE);
    MessageOutcome returned = outcome(lateBatch.get(), late);
    assertThat(returned.status()).isEqualTo(Status.RETURNED);
    assertThat(returned.visibility()).isEqualTo(Duration.ZERO);
    assertThat(returned.reason()).contains("waited 20.001s for a lane slot");
    assertThat(ran).containsExactly(early.messageId());
    assertThat(world.leaseWrites(ACQUIRE)).isEqualTo(1);
    assertThat(world.held(world.laneOf(keys.get(1)))).isFalse();
  }
}
