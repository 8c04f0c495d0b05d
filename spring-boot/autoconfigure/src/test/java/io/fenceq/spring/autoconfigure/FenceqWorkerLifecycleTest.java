package io.fenceq.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.JobHandlers;
import io.fenceq.metrics.Metrics;
import io.fenceq.queue.QueueNotFoundException;
import io.fenceq.spring.autoconfigure.internal.LaneLosses;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.context.SmartLifecycle;

class FenceqWorkerLifecycleTest {
  private static final String QUEUE = "http://127.0.0.1:9324/000000000000/work.fifo";

  private FenceqWorkerLifecycle lifecycle(AtomicReference<String> queue) {
    FenceqProperties properties = new FenceqProperties();
    properties.setQueueUrl(QUEUE);
    properties.setLeaseTable("leases");
    return new FenceqWorkerLifecycle(
        properties.toConsumerConfig(),
        FakeClients.sqs(queue),
        FakeClients.dynamoDb(new AtomicReference<>("leases")),
        JobHandlers.builder().on("t", (job, context) -> {}).build(),
        Metrics.none(),
        new LaneLosses(new ManualTicker(), Duration.ofMinutes(5)),
        true,
        Duration.ofSeconds(30));
  }

  @Test
  void aMissingQueueFailsTheStartNamingItAndNothingRuns() {
    FenceqWorkerLifecycle lifecycle = lifecycle(new AtomicReference<>("another"));
    assertThatThrownBy(lifecycle::start)
        .isInstanceOf(QueueNotFoundException.class)
        .hasMessageContaining(QUEUE);
    assertThat(lifecycle.isRunning()).isFalse();
    AtomicInteger stopped = new AtomicInteger();
    lifecycle.stop(stopped::incrementAndGet);
    assertThat(stopped).as("Spring's stop callback runs at once").hasValue(1);
  }

  @Test
  void itStartsAfterAndStopsBeforeTheWebServer() {
    FenceqWorkerLifecycle lifecycle = lifecycle(new AtomicReference<>(QUEUE));
    // Spring Boot's web server stops in phase DEFAULT_PHASE - 2048, its graceful shutdown in
    // DEFAULT_PHASE - 1024: higher phases start later and stop earlier.
    assertThat(lifecycle.getPhase())
        .isGreaterThan(SmartLifecycle.DEFAULT_PHASE - 1024)
        .isLessThan(SmartLifecycle.DEFAULT_PHASE);
    assertThat(lifecycle.isAutoStartup()).isTrue();
    assertThat(lifecycle.progress().done()).isZero();
  }
}
