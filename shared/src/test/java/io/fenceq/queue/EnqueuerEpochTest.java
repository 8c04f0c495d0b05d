package io.fenceq.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.reshard.InMemoryRingEpochs;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.ring.HashRing;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** A producer following the ring's epoch: routes by its lane count, stamps it, reads it rarely. */
class EnqueuerEpochTest {
  private static final String QUEUE = "https://sqs.test/000000000000/work.fifo";
  private final HashRing ring = HashRing.of(8);
  private final ManualTicker ticker = new ManualTicker(1_000L);
  private final InMemoryRingEpochs epochs = new InMemoryRingEpochs(RingEpoch.initial(8));
  private final EnqueuerTest.FakeSqs sqs =
      new EnqueuerTest.FakeSqs(EnqueuerTest.FakeSqs::acceptAll);
  private final Enqueuer enqueuer =
      Enqueuer.builder()
          .sqs(sqs)
          .queueUrl(QUEUE)
          .ring(ring)
          .ringEpochs(epochs, Duration.ofSeconds(10))
          .ticker(ticker)
          .build();

  private List<SendMessageBatchRequestEntry> send(int from, int to) {
    sqs.batches.clear();
    List<JobRequest> jobs =
        java.util.stream.IntStream.range(from, to)
            .mapToObj(i -> JobRequest.ofJson("key-" + i, "t", "{}"))
            .toList();
    enqueuer.enqueueAll(jobs);
    return sqs.batches.stream().flatMap(List::stream).toList();
  }

  @Test
  void atEpochZeroJobsCarryNoEpochAttribute() {
    for (SendMessageBatchRequestEntry e : send(0, 20)) {
      assertThat(e.messageAttributes()).doesNotContainKey(Enqueuer.EPOCH_ATTRIBUTE);
      assertThat(e.messageGroupId())
          .isEqualTo(ring.laneFor(JobEnvelope.parse(e.messageBody()).key()).id());
    }
  }

  @Test
  void switchesToANewEpochWithinTheRefreshIntervalAndNeverReadsPerJob() {
    send(0, 30);
    assertThat(epochs.reads).hasValue(1);
    epochs.set(RingEpoch.initial(8).next(12));

    // Within the interval the producer still routes by epoch 0.
    ticker.advance(Duration.ofSeconds(9));
    for (SendMessageBatchRequestEntry e : send(0, 30)) {
      assertThat(e.messageAttributes()).doesNotContainKey(Enqueuer.EPOCH_ATTRIBUTE);
    }
    ticker.advance(Duration.ofSeconds(1));
    HashRing twelve = ring.withLanes(12);
    for (SendMessageBatchRequestEntry e : send(0, 30)) {
      String key = JobEnvelope.parse(e.messageBody()).key();
      assertThat(e.messageGroupId()).isEqualTo(twelve.laneFor(key).id());
      assertThat(e.messageAttributes().get(Enqueuer.EPOCH_ATTRIBUTE).stringValue()).isEqualTo("1");
      assertThat(e.messageAttributes().get(Enqueuer.RING_ATTRIBUTE).stringValue())
          .isEqualTo(twelve.descriptor());
    }
    assertThat(epochs.reads).hasValue(2);
    assertThat(enqueuer.ring()).isEqualTo(twelve);
  }
}
