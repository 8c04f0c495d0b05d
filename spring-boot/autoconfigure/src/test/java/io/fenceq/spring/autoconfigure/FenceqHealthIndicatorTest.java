package io.fenceq.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.JobHandlers;
import io.fenceq.metrics.Metrics;
import io.fenceq.spring.autoconfigure.internal.LaneLosses;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

class FenceqHealthIndicatorTest {
  private static final String QUEUE = "http://127.0.0.1:9324/000000000000/work.fifo";

  private final AtomicReference<String> queue = new AtomicReference<>(QUEUE);
  private final AtomicReference<String> table = new AtomicReference<>("leases");
  private final SqsClient sqs = FakeClients.sqs(queue);
  private final DynamoDbClient dynamoDb = FakeClients.dynamoDb(table);
  private final ManualTicker ticker = new ManualTicker();
  private final FenceqProperties properties = new FenceqProperties();

  FenceqHealthIndicatorTest() {
    properties.setQueueUrl(QUEUE);
    properties.setLeaseTable("leases");
    properties.getHealth().setMaxLanesLost(2);
  }

  private FenceqWorkerLifecycle worker(LaneLosses losses) {
    return new FenceqWorkerLifecycle(
        properties.toConsumerConfig(),
        sqs,
        dynamoDb,
        JobHandlers.builder().on("t", (job, context) -> {}).build(),
        Metrics.none(),
        losses,
        false,
        Duration.ofSeconds(30));
  }

  @Test
  void upWhenQueueAndLeaseTableAnswer() {
    LaneLosses losses = new LaneLosses(ticker, Duration.ofMinutes(5));
    Health health = new FenceqHealthIndicator(sqs, dynamoDb, properties, worker(losses)).health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("queueReachable", true)
        .containsEntry("leaseTableReachable", true)
        .containsEntry("lanesLostRecently", 0)
        .containsEntry("workerRunning", false);
  }

  @Test
  void downWhenTheQueueOrTheLeaseTableIsGone() {
    LaneLosses losses = new LaneLosses(ticker, Duration.ofMinutes(5));
    var indicator = new FenceqHealthIndicator(sqs, dynamoDb, properties, worker(losses));
    queue.set("elsewhere");
    Health noQueue = indicator.health();
    assertThat(noQueue.getStatus()).isEqualTo(Status.DOWN);
    assertThat(noQueue.getDetails())
        .containsEntry("queueReachable", false)
        .containsEntry("leaseTableReachable", true);
    assertThat((String) noQueue.getDetails().get("queueError")).contains("no queue " + QUEUE);

    queue.set(QUEUE);
    table.set("other");
    Health noTable = indicator.health();
    assertThat(noTable.getStatus()).isEqualTo(Status.DOWN);
    assertThat(noTable.getDetails()).containsEntry("leaseTableReachable", false);
  }

  @Test
  void downWhileLanesLostWithinTheWindowReachTheLimit() {
    LaneLosses losses = new LaneLosses(ticker, Duration.ofMinutes(5));
    var indicator = new FenceqHealthIndicator(sqs, dynamoDb, properties, worker(losses));
    losses.lost(1);
    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    losses.lost(1);
    Health lost = indicator.health();
    assertThat(lost.getStatus()).isEqualTo(Status.DOWN);
    assertThat(lost.getDetails()).containsEntry("lanesLostRecently", 2);
    ticker.advance(Duration.ofMinutes(6));
    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void anApplicationThatOnlyEnqueuesIsCheckedForItsQueueOnly() {
    Health health = new FenceqHealthIndicator(sqs, null, properties, null).health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsOnlyKeys("queue", "queueReachable");
  }
}
