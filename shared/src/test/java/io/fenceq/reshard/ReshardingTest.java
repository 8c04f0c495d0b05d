package io.fenceq.reshard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.HashRing;
import io.fenceq.ring.RingMove;
import io.fenceq.testing.FakeDynamoDb;
import io.fenceq.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

/** A reshard's start: the epoch first, then the grace period, then one barrier per old lane. */
class ReshardingTest {
  private static final String QUEUE = "https://sqs.test/000000000000/work.fifo";
  private final FakeDynamoDb dynamoDb = new FakeDynamoDb().createTable("leases");
  private final RingConfigTable table =
      new RingConfigTable(
          dynamoDb, "leases", 12, new ManualClock(Instant.parse("2026-12-06T12:00:00Z")));
  private final List<String> steps = new ArrayList<>();
  private final List<SendMessageBatchRequestEntry> sent = new ArrayList<>();
  private Set<String> refusedLanes = Set.of();

  private final SqsClient sqs =
      new SqsClient() {
        @Override
        public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
          steps.add("batch of " + request.entries().size());
          SendMessageBatchResponse.Builder response = SendMessageBatchResponse.builder();
          List<SendMessageBatchResultEntry> ok = new ArrayList<>();
          List<BatchResultErrorEntry> failed = new ArrayList<>();
          for (SendMessageBatchRequestEntry e : request.entries()) {
            if (refusedLanes.contains(e.messageGroupId())) {
              failed.add(
                  BatchResultErrorEntry.builder()
                      .id(e.id())
                      .code("InternalError")
                      .senderFault(false)
                      .build());
            } else {
              sent.add(e);
              ok.add(SendMessageBatchResultEntry.builder().id(e.id()).build());
            }
          }
          return response.successful(ok).failed(failed).build();
        }

        @Override
        public String serviceName() {
          return "sqs";
        }

        @Override
        public void close() {}
      };

  private Resharding resharding() {
    return Resharding.builder()
        .table(table)
        .sqs(sqs)
        .queueUrl(QUEUE)
        .grace(Duration.ofSeconds(15))
        .sleeper(d -> steps.add("wait " + d.toSeconds() + "s, epoch " + table.read().epoch()))
        .build();
  }

  @Test
  void writesTheEpochWaitsTheGraceThenSendsOneBarrierIntoEachOldLane() {
    RingEpoch next = resharding().start(16);

    assertThat(next.epoch()).isEqualTo(1);
    assertThat(steps).containsExactly("wait 15s, epoch 1", "batch of 10", "batch of 2");
    assertThat(sent).hasSize(12);
    for (int i = 0; i < 12; i++) {
      SendMessageBatchRequestEntry e = sent.get(i);
      String lane = String.format("lane-%04d", i);
      assertThat(e.messageGroupId()).isEqualTo(lane);
      assertThat(e.messageDeduplicationId()).isEqualTo("barrier-1-" + lane);
      assertThat(e.messageAttributes().get(Barriers.ATTRIBUTE).stringValue()).isEqualTo("1");
      assertThat(e.messageBody()).isEqualTo("{\"barrier\":\"" + lane + "\",\"epoch\":1}");
    }
    assertThat(resharding().progress().pending()).hasSize(12);
  }

  @Test
  void barriersSQSRefusesAreNamedAndCanBeSentAgain() {
    refusedLanes = Set.of("lane-0003", "lane-0011");
    Resharding r = resharding();
    RingEpoch next = r.begin(16);

    assertThatThrownBy(() -> r.sendBarriers(next))
        .isInstanceOf(ReshardException.class)
        .hasMessage(
            "queue "
                + QUEUE
                + " did not accept the barriers of [lane-0003 (InternalError), lane-0011"
                + " (InternalError)] into epoch 1; send them again (fenceq reshard --resume)");
    refusedLanes = Set.of();
    assertThat(r.sendBarriers(r.progress())).isEqualTo(12);
  }

  @Test
  void aSecondReshardIsRefusedUntilTheFirstsBarriersHavePassed() {
    Resharding r = resharding();
    r.begin(16);

    assertThatThrownBy(() -> r.begin(20))
        .isInstanceOf(ReshardException.class)
        .hasMessageContaining("is still under way: 12 barrier(s) pending");
    assertThat(sent).isEmpty();
  }

  @Test
  void thePredictedMoveIsTheRingsOwn() {
    RingMove move = Resharding.predictedMove(HashRing.of(64), 96, 20_000);

    assertThat(move.idealFraction()).isEqualTo(32.0 / 96);
    assertThat(move.movedFraction()).isBetween(0.28, 0.39);
  }
}
