package io.fenceq.engine;

import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.testing.InMemoryLeases;
import io.fenceq.time.ManualClock;
import io.fenceq.time.ManualScheduler;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One consumer's world for engine tests: in-memory lane leases, manual time, a recording queue, a
 * manual scheduler, and received messages built the way SQS delivers them.
 */
final class EngineFixture {
  static final String QUEUE = "https://sqs.test/000000000000/work.fifo";
  static final String DLQ = "https://sqs.test/000000000000/dlq.fifo";
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);
  static final Duration RENEW = Duration.ofSeconds(10);

  /** Runs each lane on the submitting thread: lanes one after another, deterministic. */
  static final Executor SAME_THREAD = Runnable::run;

  final HashRing ring;
  final ManualTicker ticker = new ManualTicker(5_000_000_000L);
  final ManualClock clock = new ManualClock(T0);
  final LeaseConfig leaseConfig = LeaseConfig.builder().retryJitter(Duration.ZERO).build();
  final InMemoryLeases leases = new InMemoryLeases(leaseConfig, ticker, clock);
  final RecordingQueueActions actions = new RecordingQueueActions();
  final RecordingMetrics metrics = new RecordingMetrics();
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  private long nextSeq = 18_000_000_000_000_000L;
  private int nextId = 1;

  EngineFixture() {
    this(16);
  }

  /** A world whose ring has {@code lanes} lanes. */
  EngineFixture(int lanes) {
    this.ring = HashRing.of(lanes);
  }

  EngineConfig.Builder config() {
    return EngineConfig.builder()
        .queueUrl(QUEUE)
        .deadLetterQueueUrl(DLQ)
        .owner("consumer-a")
        .ring(ring)
        .backoffBase(Duration.ofSeconds(2))
        .backoffCap(Duration.ofMinutes(15));
  }

  LaneProcessor processor(JobHandlers handlers) {
    return processor(handlers, config().build(), SAME_THREAD);
  }

  LaneProcessor processor(JobHandlers handlers, EngineConfig config, Executor executor) {
    return LaneProcessor.builder()
        .config(config)
        .leases(leases)
        .handlers(handlers)
        .queueActions(actions)
        .metrics(metrics)
        .ticker(ticker)
        .clock(clock)
        .executor(executor)
        .scheduler(scheduler)
        .build();
  }

  /** Another consumer's view of the same leases, on the given time. */
  InMemoryLeases contender(ManualTicker ticker, ManualClock clock) {
    return leases.contender(ticker, clock);
  }

  /** A first delivery of a job, as SQS delivers it. */
  Message job(String key, String type) {
    return job(key, type, 1);
  }

  Message job(String key, String type, int receiveCount) {
    String body =
        JobEnvelope.of(JobRequest.ofJson(key, type, "{}"), "job-" + nextId, T0.minusSeconds(3))
            .toJson();
    return message(body, ring.laneFor(key).id(), ring.descriptor(), receiveCount);
  }

  /** Any body in any group, stamped with any ring descriptor (null: none). */
  Message message(String body, String groupId, String ringDescriptor, int receiveCount) {
    String id = "m-" + nextId++;
    Message.Builder m =
        Message.builder()
            .messageId(id)
            .receiptHandle("rh-" + id)
            .body(body)
            .attributes(
                Map.of(
                    MessageSystemAttributeName.MESSAGE_GROUP_ID, groupId,
                    MessageSystemAttributeName.SEQUENCE_NUMBER, Long.toString(nextSeq++),
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                        Integer.toString(receiveCount)));
    if (ringDescriptor != null) {
      m.messageAttributes(
          Map.of(
              Enqueuer.RING_ATTRIBUTE,
              MessageAttributeValue.builder()
                  .dataType("String")
                  .stringValue(ringDescriptor)
                  .build()));
    }
    return m.build();
  }

  /** {@code n} keys of {@code n} different lanes. */
  List<String> keysInDistinctLanes(int n) {
    List<String> keys = new ArrayList<>();
    Set<Lane> lanes = new HashSet<>();
    for (int i = 0; keys.size() < n; i++) {
      String key = "sku-" + i;
      if (lanes.add(ring.laneFor(key))) {
        keys.add(key);
      }
    }
    return keys;
  }

  Lane laneOf(String key) {
    return ring.laneFor(key);
  }

  /** Who holds {@code lane}'s lease, if anyone. */
  Optional<String> holder(Lane lane) {
    return leases.holder(LaneLeases.leaseId(lane));
  }

  /** Whether someone holds {@code lane}'s lease. */
  boolean held(Lane lane) {
    return holder(lane).isPresent();
  }

  /** The number of lease writes of {@code kind} sent so far, by every consumer. */
  long leaseWrites(InMemoryLeases.Write kind) {
    return leases.writes(kind);
  }
}
