package io.fenceq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.JobHandlers;
import io.fenceq.queue.QueueDescription;
import io.fenceq.testing.FakeDynamoDb;
import io.fenceq.testing.FakeFifoSqs;
import org.junit.jupiter.api.Test;

/** What {@link ConsumerEngine#builder()}'s start checks before it runs anything. */
class ConsumerEngineTest {
  private static final String TABLE = "leases";
  private final FakeDynamoDb dynamoDb = new FakeDynamoDb().createTable(TABLE);
  private final FakeFifoSqs sqs = new FakeFifoSqs();

  private ConsumerEngine.Builder engine(int maxAttempts) {
    ConsumerConfig config =
        ConsumerConfig.builder()
            .queueUrl(FakeFifoSqs.QUEUE_URL)
            .leaseTable(TABLE)
            .maxAttempts(maxAttempts)
            .build();
    return ConsumerEngine.builder()
        .config(config)
        .sqs(sqs)
        .dynamoDb(dynamoDb)
        .handlers(JobHandlers.builder().on("reserve", (job, context) -> {}).build())
        .queue(QueueDescription.read(sqs, FakeFifoSqs.QUEUE_URL));
  }

  @Test
  void aQueueThatRedrivesAtOrBelowMaxAttemptsIsRefusedInOneLineNamingTheQueueAndBothNumbers() {
    sqs.redrivesAfter(5);

    assertThatThrownBy(() -> engine(5).start())
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageContaining("queue " + FakeFifoSqs.QUEUE_URL)
        .hasMessageContaining("maxReceiveCount 5")
        .hasMessageContaining("FENCEQ_MAX_ATTEMPTS (maxAttempts) 5")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> engine(9).start())
        .hasMessageContaining("maxReceiveCount 5")
        .hasMessageContaining("(maxAttempts) 9");
  }

  @Test
  void aQueueThatRedrivesAboveMaxAttemptsOrNotAtAllStarts() {
    sqs.redrivesAfter(6);
    try (ConsumerEngine started = engine(5).start()) {
      assertThat(started.processor()).isNotNull();
    }
    sqs.redrivesAfter(0);
    try (ConsumerEngine started = engine(5).start()) {
      assertThat(started.processor()).isNotNull();
    }
  }
}
