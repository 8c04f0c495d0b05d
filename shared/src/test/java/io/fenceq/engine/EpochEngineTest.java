package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.engine.RecordingQueueActions.Call;
import io.fenceq.fence.DownstreamFence;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import io.fenceq.reshard.Barriers;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.reshard.RingEpochSource;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * A consumer following the ring's epoch through a reshard from 8 to 12 lanes: unknown epochs go to
 * the dead-letter queue, barriers pass only at the head of their lane-batch, and a moved key's job
 * waits for its old lane's barrier.
 */
class EpochEngineTest {
  private final EngineFixture world = new EngineFixture(8);
  private final HashRing oldRing = world.ring;
  private final HashRing newRing = world.ring.withLanes(12);
  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Long> fences = new java.util.concurrent.ConcurrentHashMap<>();
  private final Source source = new Source(RingEpoch.initial(8).next(12));

  /** The epoch in memory; a test hook runs on every read. */
  private static final class Source implements RingEpochSource {
    volatile RingEpoch epoch;
    final AtomicInteger reads = new AtomicInteger();
    volatile IntConsumer onRead = n -> {};

    Source(RingEpoch epoch) {
      this.epoch = epoch;
    }

    @Override
    public RingEpoch read() {
      onRead.accept(reads.incrementAndGet());
      return epoch;
    }

    @Override
    public synchronized boolean clearBarrier(long e, Lane lane) {
      if (epoch.epoch() != e || !epoch.pending(lane)) {
        return false;
      }
      epoch = epoch.cleared(lane);
      return true;
    }
  }

  private LaneProcessor processor(OrderScope scope) {
    return LaneProcessor.builder()
        .config(world.config().orderScope(scope).build())
        .leases(world.leases)
        .handlers(
            JobHandlers.builder()
                .on(
                    "t",
                    (job, ctx) -> {
                      fences.put(job.messageId(), ctx.fenceToken().fence());
                      ran.add(job.messageId());
                    })
                .build())
        .queueActions(world.actions)
        .metrics(world.metrics)
        .ticker(world.ticker)
        .clock(world.clock)
        .executor(EngineFixture.SAME_THREAD)
        .scheduler(world.scheduler)
        .ringEpochs(source, Duration.ofSeconds(10))
        .epochHold(Duration.ofSeconds(10), Duration.ofMillis(1), Duration.ofSeconds(2))
        .build();
  }

  /** A job of {@code key} stamped with {@code epoch}, in its lane under that epoch's ring. */
  private Message job(String key, long epoch) {
    HashRing ring = epoch == 1 ? newRing : oldRing;
    return job(key, epoch, ring.laneFor(key));
  }

  private Message job(String key, long epoch, Lane lane) {
    HashRing ring = epoch == 1 ? newRing : oldRing;
    String body =
        JobEnvelope.of(
                JobRequest.ofJson(key, "t", "{}"), "job-" + key + "-" + epoch, EngineFixture.T0)
            .toJson();
    Message m = world.message(body, lane.id(), ring.descriptor(), 1);
    return epoch == 0 ? m : with(m, Enqueuer.EPOCH_ATTRIBUTE, epoch);
  }

  private Message barrier(Lane lane) {
    return with(
        world.message(Barriers.body(1, lane.id()), lane.id(), null, 1), Barriers.ATTRIBUTE, 1);
  }

  private static Message with(Message m, String attribute, long value) {
    Map<String, MessageAttributeValue> all = new HashMap<>(m.messageAttributes());
    all.put(
        attribute,
        MessageAttributeValue.builder()
            .dataType("Number")
            .stringValue(Long.toString(value))
            .build());
    return m.toBuilder().messageAttributes(all).build();
  }

  private static String keyWhere(java.util.function.Predicate<String> p) {
    return IntStream.range(0, 10_000).mapToObj(i -> "k" + i).filter(p).findFirst().orElseThrow();
  }

  private String movedKey() {
    return keyWhere(k -> !oldRing.laneFor(k).equals(newRing.laneFor(k)));
  }

  private String stayingKey(Lane lane) {
    return keyWhere(k -> oldRing.laneFor(k).equals(lane) && newRing.laneFor(k).equals(lane));
  }

  private static MessageOutcome outcome(BatchOutcome batch, Message m) {
    return batch.outcome(m.messageId()).orElseThrow();
  }

  @Test
  void aJobOfAnUnknownEpochGoesToTheDeadLetterQueueNamingKeyLaneAndEpochs() throws Exception {
    source.epoch = new RingEpoch(3, 12, 8, new java.util.TreeSet<>());
    String key = movedKey();
    Message stale = job(key, 1);
    Message newer = with(job(key, 1), Enqueuer.EPOCH_ATTRIBUTE, 4);

    BatchOutcome batch = processor(OrderScope.KEY).process(List.of(stale, newer));

    assertThat(ran).isEmpty();
    assertThat(outcome(batch, stale).status()).isEqualTo(Status.DEAD_LETTERED);
    assertThat(outcome(batch, stale).reason())
        .isEqualTo(
            "job of key \""
                + key
                + "\" in "
                + newRing.laneFor(key)
                + " is of unknown epoch 1: the ring is at epoch 3 with 12 lanes; only epoch 3"
                + " may run");
    assertThat(outcome(batch, newer).reason())
        .contains("is of epoch 4, newer than the ring's epoch 3 with 12 lanes");
    assertThat(world.actions.calls("deadLetter")).hasSize(2);
  }

  @Test
  void aBarrierAtTheHeadOfItsLaneBatchClearsItsLaneAndLateOldJobsAreRefused() throws Exception {
    String moved = movedKey();
    Lane old = oldRing.laneFor(moved);
    String stays = stayingKey(old);
    Message barrier = barrier(old);
    Message late = job(moved, 0);
    Message current = job(stays, 1);

    BatchOutcome batch = processor(OrderScope.KEY).process(List.of(barrier, late, current));

    assertThat(source.epoch.pending(old)).isFalse();
    assertThat(source.epoch.pending()).hasSize(7);
    assertThat(outcome(batch, barrier).status()).isEqualTo(Status.DONE);
    assertThat(outcome(batch, late).status()).isEqualTo(Status.DEAD_LETTERED);
    assertThat(outcome(batch, late).reason()).contains("the barrier of " + old + " into epoch 1");
    assertThat(ran).containsExactly(current.messageId());
    assertThat(world.actions.deleted()).contains(barrier.messageId(), current.messageId());
  }

  @Test
  void anOldEpochsJobThisConsumerNoLongerHoldsIsLeftAloneRatherThanDeadLettered() throws Exception {
    // Paused with this lane-batch, the consumer wakes after another ran and deleted the same jobs
    // and the lane's barrier passed: its copy is of a job whose effect is in place.
    String moved = movedKey();
    Lane old = oldRing.laneFor(moved);
    source.epoch = source.epoch.cleared(old);
    Message late = job(moved, 0);
    Message current = job(stayingKey(old), 1);
    world.actions.failVisibilityOf(late.messageId());

    BatchOutcome batch = processor(OrderScope.KEY).process(List.of(late, current));

    assertThat(outcome(batch, late).status()).isEqualTo(Status.LOST);
    assertThat(outcome(batch, late).reason())
        .startsWith("not dead-lettered, as this consumer no longer holds it")
        .contains("ReceiptHandleIsInvalid");
    assertThat(outcome(batch, current).status()).isEqualTo(Status.LOST);
    assertThat(world.actions.calls("deadLetter")).isEmpty();
    assertThat(world.actions.deleted()).isEmpty();
  }

  @Test
  void aBarrierBehindJobsOfItsLaneGoesBackWithEverythingAfterItAndPassesNextTime()
      throws Exception {
    String moved = movedKey();
    Lane old = oldRing.laneFor(moved);
    Message before = job(moved, 0);
    Message barrier = barrier(old);
    Message after = job(stayingKey(old), 1);

    BatchOutcome batch = processor(OrderScope.KEY).process(List.of(before, barrier, after));

    assertThat(ran).containsExactly(before.messageId());
    assertThat(outcome(batch, barrier).status()).isEqualTo(Status.RETURNED);
    assertThat(outcome(batch, barrier).visibility()).isZero();
    assertThat(outcome(batch, after).status()).isEqualTo(Status.RETURNED);
    assertThat(source.epoch.pending(old)).isTrue();
    List<Call> returns = world.actions.calls("visibility");
    assertThat(returns.getLast().messageIds())
        .containsExactly(barrier.messageId(), after.messageId());
  }

  @Test
  void aMovedKeysNewEpochJobWaitsInFlightUntilItsOldLanesBarrierPassesThenRuns() throws Exception {
    String moved = movedKey();
    Lane old = oldRing.laneFor(moved);
    Message held = job(moved, 1);
    LaneProcessor processor = processor(OrderScope.KEY);
    // The barrier passes on another consumer while the job waits: after a few reads.
    source.onRead =
        n -> {
          if (n == 4) {
            source.clearBarrier(1, old);
          }
        };

    BatchOutcome batch = processor.process(List.of(held));

    assertThat(ran).containsExactly(held.messageId());
    assertThat(outcome(batch, held).status()).isEqualTo(Status.DONE);
    assertThat(source.reads.get()).isGreaterThanOrEqualTo(4);
    assertThat(world.actions.calls("visibility")).isEmpty();
  }

  @Test
  void aHeldJobGoesBackAtItsLimitWithTheRestOfItsKeyAndOtherKeysRun() throws Exception {
    String moved = movedKey();
    Message held = job(moved, 1);
    Message behind = job(moved, 1);
    // A key of the same new lane that came from another old lane, whose barrier has passed.
    String other =
        keyWhere(
            k ->
                newRing.laneFor(k).equals(newRing.laneFor(moved))
                    && !oldRing.laneFor(k).equals(oldRing.laneFor(moved)));
    source.epoch = source.epoch.cleared(oldRing.laneFor(other));
    Message free = job(other, 1);
    // Each read takes 5 s: the limit comes before the lease (30 s, no heartbeat here) runs out.
    source.onRead = n -> world.ticker.advance(Duration.ofSeconds(5));

    BatchOutcome batch = processor(OrderScope.KEY).process(List.of(free, held, behind));

    assertThat(ran).containsExactly(free.messageId());
    assertThat(outcome(batch, held).status()).isEqualTo(Status.RETURNED);
    assertThat(outcome(batch, held).visibility()).isEqualTo(Duration.ofSeconds(2));
    assertThat(outcome(batch, held).reason())
        .contains("the barrier of " + oldRing.laneFor(moved) + " into epoch 1 had not passed");
    assertThat(outcome(batch, behind).status()).isEqualTo(Status.RETURNED);
    assertThat(outcome(batch, behind).reason()).contains("which waits for a reshard barrier");
  }

  @Test
  void inALambdaInvocationAHeldJobGoesBackBeforeTheInvocationsEnd() throws Exception {
    String moved = movedKey();
    Message held = job(moved, 1);
    // The invocation ends 4 s from now; each read of the epoch takes a second of it.
    java.time.Instant notAfter = world.clock.instant().plusSeconds(4);
    source.onRead =
        n -> {
          world.ticker.advance(Duration.ofSeconds(1));
          world.clock.advance(Duration.ofSeconds(1));
        };

    BatchOutcome batch = processor(OrderScope.KEY).submit(List.of(held), notAfter).get();

    assertThat(ran).isEmpty();
    assertThat(outcome(batch, held).status()).isEqualTo(Status.RETURNED);
    // The hold ended it, with the barrier's reason, not the invocation's deadline.
    assertThat(outcome(batch, held).reason())
        .contains("the barrier of " + oldRing.laneFor(moved) + " into epoch 1 had not passed");
    assertThat(source.reads.get()).isLessThan(10);
  }

  @Test
  void aJobsDownstreamFenceHasItsEpochInFrontSoAMovedKeysFencesRiseAcrossTheMove()
      throws Exception {
    String moved = movedKey();
    Lane old = oldRing.laneFor(moved);
    String staying = stayingKey(old);
    Message before = job(moved, 0);
    Message stayingOld = job(staying, 0);
    LaneProcessor processor = processor(OrderScope.KEY);

    processor.process(List.of(before, stayingOld));
    source.clearBarrier(1, old);
    Message after = job(moved, 1);
    processor.process(List.of(after));

    assertThat(ran).contains(before.messageId(), stayingOld.messageId(), after.messageId());
    long laneFenceBefore = fences.get(before.messageId());
    // A moved key's old-epoch job keeps epoch 0: its fence is the lane's own.
    assertThat(laneFenceBefore).isBetween(1L, 1_000L);
    // A key that keeps its lane carries the current epoch even on an old-epoch job.
    assertThat(fences.get(stayingOld.messageId()))
        .isEqualTo(DownstreamFence.of(1, laneFenceBefore));
    // The moved key's new-epoch job, in a lane whose counter is unrelated, ranks above.
    long afterFence = fences.get(after.messageId());
    assertThat(DownstreamFence.epoch(afterFence)).isEqualTo(1);
    assertThat(afterFence).isGreaterThan(laneFenceBefore);
  }
}
