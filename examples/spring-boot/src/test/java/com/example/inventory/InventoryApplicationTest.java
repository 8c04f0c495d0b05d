package com.example.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.local.LocalAws;
import io.fenceq.spring.autoconfigure.FenceqWorkerLifecycle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * The application on embedded SQS and DynamoDB (fenceq-local, provisioned from fenceq's template),
 * reached through the fenceq.aws.* endpoints as it would reach LocalStack or AWS.
 */
@SpringBootTest(
    properties = {"fenceq.worker.receive-wait=1s", "fenceq.worker.shutdown-timeout=5s"})
@DirtiesContext
class InventoryApplicationTest {
  private static final Map<String, List<Integer>> REQUESTS =
      Map.of(
          "sku-1", List.of(1, 2, 3, 4),
          "sku-2", List.of(5, 5),
          "sku-3", List.of(10, 20, 30),
          "sku-4", List.of(7),
          "sku-5", List.of(1, 1, 1, 1, 1, 1));

  private static final LocalAws aws = LocalAws.builder().start();

  @DynamicPropertySource
  static void fenceq(DynamicPropertyRegistry properties) {
    AwsCredentials credentials = aws.credentialsProvider().resolveCredentials();
    properties.add("fenceq.queue-url", () -> aws.stack().queueUrl("WorkQueue"));
    properties.add("fenceq.lease-table", () -> aws.stack().tableName("LeaseTable"));
    properties.add("fenceq.aws.sqs-endpoint", () -> aws.sqsEndpoint().toString());
    properties.add("fenceq.aws.dynamodb-endpoint", () -> aws.dynamoDbEndpoint().toString());
    properties.add("fenceq.aws.region", () -> aws.region().id());
    properties.add("fenceq.aws.access-key-id", credentials::accessKeyId);
    properties.add("fenceq.aws.secret-access-key", credentials::secretAccessKey);
  }

  @AfterAll
  static void stopEmulators() {
    aws.close();
  }

  @Autowired Reservations reservations;
  @Autowired Stock stock;
  @Autowired HealthEndpoint health;
  @Autowired MeterRegistry registry;
  @Autowired FenceqWorkerLifecycle worker;
  @Autowired ConfigurableApplicationContext context;

  @Test
  void reservationsEnqueuedThroughTheEnqueuerAreAllAppliedOnce() throws InterruptedException {
    assertThat(worker.isRunning()).as("the worker started with the context").isTrue();
    REQUESTS.forEach(reservations::request);
    int jobs = REQUESTS.values().stream().mapToInt(List::size).sum();

    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!allApplied() || jobsOk() < jobs) {
      assertThat(System.nanoTime() < deadline)
          .as("all %d reservations applied within 2 minutes: %s", jobs, worker.progress())
          .isTrue();
      Thread.sleep(100);
    }
    REQUESTS.forEach(
        (sku, units) ->
            assertThat(stock.units(sku))
                .as(sku)
                .isEqualTo(Stock.INITIAL - units.stream().mapToInt(Integer::intValue).sum()));

    HealthComponent overall = health.health();
    assertThat(overall.getStatus()).isEqualTo(Status.UP);
    assertThat(((CompositeHealth) overall).getComponents()).containsKey("fenceq");
    HealthComponent fenceq = health.healthForPath("fenceq");
    assertThat(fenceq.getStatus()).isEqualTo(Status.UP);

    assertThat(jobsOk()).as("fenceq.jobs.ok on the application's registry").isEqualTo(jobs);

    // Stopping the context's lifecycle (as closing it does first) stops the worker gracefully.
    context.stop();
    assertThat(worker.isRunning()).as("the worker stopped with the context").isFalse();
    assertThat(worker.worker().orElseThrow().stopped()).isCompleted();
  }

  private double jobsOk() {
    return registry.find("fenceq.jobs.ok").counters().stream().mapToDouble(Counter::count).sum();
  }

  private boolean allApplied() {
    return REQUESTS.entrySet().stream()
        .allMatch(
            e ->
                stock.units(e.getKey())
                    == Stock.INITIAL - e.getValue().stream().mapToInt(Integer::intValue).sum());
  }
}
