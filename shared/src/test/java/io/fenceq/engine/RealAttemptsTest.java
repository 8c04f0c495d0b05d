package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.engine.RecordingQueueActions.Call;
import io.fenceq.lease.FailureRecord;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.Lease;
import io.fenceq.testing.InMemoryLeases;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The engine counts the times a job actually ran and failed, in the lane's failure record, not the
 * receives SQS counts: a job given back unrun is not a failed attempt, and a job that failed {@link
 * EngineConfig#maxAttempts()} times goes to the dead-letter queue from the engine, with its reason.
 */
class RealAttemptsTest {
  private final EngineFixture world = new EngineFixture();
  private final String key = world.keysInDistinctLanes(1).get(0);
  private final String leaseId = LaneLeases.leaseId(world.laneOf(key));
  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final AtomicInteger runs = new AtomicInteger();

  private final LaneProcessor processor =
      world.processor(
          JobHandlers.builder()
              .on(
                  "reserve",
                  (job, context) -> {
                    runs.incrementAndGet();
                    if (failing.get()) {
                      throw new IllegalStateException("stock service down, run " + runs.get());
                    }
                  })
              .build(),
          world.config().maxReceiveCount(50).maxAttempts(5).build(),
          EngineFixture.SAME_THREAD);

  /** {@code m} as SQS hands it out on its {@code receiveCount}-th receive. */
  private static Message receive(Message m, int receiveCount) {
    Map<MessageSystemAttributeName, String> attributes = new HashMap<>(m.attributes());
    attributes.put(
        MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, Integer.toString(receiveCount));
    return m.toBuilder().attributes(attributes).build();
  }

  private MessageOutcome deliver(Message m, int receiveCount) throws Exception {
    return processor.process(List.of(receive(m, receiveCount))).messages().get(0);
  }

  /** Another consumer holds the lane for a while, then lets its lease run out. */
  private void laneHeldElsewhereThenExpires() {
    InMemoryLeases other = world.contender(world.ticker, world.clock);
    assertThat(other.acquire(leaseId, "consumer-b")).isInstanceOf(Lease.class);
  }

  private void afterALease() {
    world.ticker.advance(Duration.ofSeconds(31));
    world.clock.advance(Duration.ofSeconds(31));
  }

  @Test
  void aJobGivenBackUnrunManyTimesIsNotCountedAndRunsWhenItsLaneIsFree() throws Exception {
    Message m = world.job(key, "reserve");
    failing.set(false);

    // Twenty receives while another consumer holds the lane: each gives the job back unrun.
    for (int receive = 1; receive <= 20; receive++) {
      laneHeldElsewhereThenExpires();
      assertThat(deliver(m, receive).status()).isEqualTo(Status.RETURNED);
      afterALease();
    }
    MessageOutcome ran = deliver(m, 21);

    assertThat(runs).hasValue(1);
    assertThat(ran.status()).isEqualTo(Status.DONE);
    assertThat(world.actions.calls("deadLetter")).isEmpty();
    assertThat(world.leases.failure(leaseId)).isEmpty();
  }

  @Test
  void unrunReceivesBetweenFailuresDoNotCountAndTheFifthFailureIsDeadLetteredWithItsCount()
      throws Exception {
    Message m = world.job(key, "reserve");
    int receive = 0;
    for (int failure = 1; failure <= 4; failure++) {
      // Given back unrun twice between attempts: SQS counts those receives, the record does not.
      for (int unrun = 0; unrun < 2; unrun++) {
        laneHeldElsewhereThenExpires();
        deliver(m, ++receive);
        afterALease();
      }
      MessageOutcome failed = deliver(m, ++receive);
      assertThat(failed.status()).isEqualTo(Status.RETURNED);
      assertThat(world.leases.failure(leaseId)).map(FailureRecord::failures).contains(failure);
    }
    MessageOutcome fifth = deliver(m, ++receive);

    assertThat(receive).isEqualTo(13);
    assertThat(runs).hasValue(5);
    assertThat(fifth.status()).isEqualTo(Status.DEAD_LETTERED);
    assertThat(fifth.reason())
        .startsWith("its handler failed 5 times (maxAttempts 5)")
        .contains("stock service down, run 5");
    assertThat(world.actions.calls("deadLetter"))
        .extracting(Call::reason)
        .containsExactly(fifth.reason());
    assertThat(world.actions.deleted()).containsExactly(m.messageId());
    // Dead-lettered: the next job of the lane starts from nothing.
    assertThat(world.leases.failure(leaseId)).isEmpty();
    assertThat(world.metrics.total(EngineMetrics.JOBS_DEAD_LETTERED)).isEqualTo(1);
  }

  @Test
  void aJobThatSucceedsAfterFailingClearsTheRecordAndASuccessfulLaneWritesNoRecord()
      throws Exception {
    Message m = world.job(key, "reserve");
    deliver(m, 1);
    deliver(m, 2);
    assertThat(world.leases.failure(leaseId))
        .contains(
            new FailureRecord(
                m.messageId(),
                2,
                "java.lang.IllegalStateException: stock" + " service down, run 2"));
    failing.set(false);
    int before = world.leases.writes(InMemoryLeases.Write.FAILURE);

    assertThat(deliver(m, 3).status()).isEqualTo(Status.DONE);
    assertThat(world.leases.failure(leaseId)).isEmpty();
    assertThat(world.leases.writes(InMemoryLeases.Write.FAILURE)).isEqualTo(before + 1);

    // Without a record, a success costs no write on the lease item.
    deliver(world.job(key, "reserve"), 1);
    assertThat(world.leases.writes(InMemoryLeases.Write.FAILURE)).isEqualTo(before + 1);
  }

  @Test
  void anotherJobFailingStartsItsOwnCount() throws Exception {
    Message first = world.job(key, "reserve");
    Message second = world.job(key, "reserve");
    for (int receive = 1; receive <= 4; receive++) {
      deliver(first, receive);
    }

    // The first job left the queue some other way (an operator, or SQS's redrive); the record
    // still names it, and the second job's failure does not inherit its count.
    assertThat(deliver(second, 1).status()).isEqualTo(Status.RETURNED);

    assertThat(world.leases.failure(leaseId))
        .map(FailureRecord::messageId)
        .contains(second.messageId());
    assertThat(world.leases.failure(leaseId)).map(FailureRecord::failures).contains(1);
  }

  @Test
  void aFailureRecordThatCannotBeWrittenLeavesTheJobToTheQueuesRedrive() throws Exception {
    Message m = world.job(key, "reserve");
    world.leases.afterGrant(() -> world.leases.failNextWrites(1));

    MessageOutcome failed = deliver(m, 1);

    assertThat(failed.status()).isEqualTo(Status.RETURNED);
    assertThat(world.leases.failure(leaseId)).isEmpty();
    assertThat(world.actions.calls("deadLetter")).isEmpty();
  }
}
