package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.local.LocalAws;
import io.fenceq.micrometer.MicrometerMetrics;
import io.fenceq.worker.Worker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The order service on embedded SQS and DynamoDB, with fenceq from its published artifacts. */
class OrdersTest {
  private static final List<String> STEPS = List.of("pick", "pack", "ship", "invoice");

  @Test
  void everyOrdersStepsRunOnceAndInOrder() throws Exception {
    try (LocalAws aws = LocalAws.builder().start();
        SqsClient sqs = aws.sqsClient();
        DynamoDbClient dynamoDb = aws.dynamoDbClient()) {
      String queue = aws.stack().queueUrl("WorkQueue");
      String leases = aws.stack().tableName("LeaseTable");
      Map<String, List<String>> shipped = new ConcurrentHashMap<>();
      List<String> orders = List.of("order-1", "order-2", "order-3", "order-4", "order-5");
      var enqueuer = Orders.enqueuer(sqs, queue, ConsumerConfig.DEFAULT_LANES);
      for (String order : orders) {
        Orders.enqueueSteps(enqueuer, order, STEPS);
      }

      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Worker worker =
          Worker.builder()
              .config(
                  ConsumerConfig.builder()
                      .queueUrl(queue)
                      .leaseTable(leases)
                      .receiveWait(Duration.ofSeconds(1))
                      .shutdownTimeout(Duration.ofSeconds(5))
                      .build())
              .sqs(sqs)
              .dynamoDb(dynamoDb)
              .metrics(MicrometerMetrics.on(registry))
              .handlers(
                  Orders.handlers(
                      (order, step) ->
                          shipped
                              .computeIfAbsent(order, o -> new ArrayList<>())
                              .add(step)))
              .build()
              .start();
      try {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int all = orders.size() * STEPS.size();
        while (shipped.values().stream().mapToInt(List::size).sum() < all) {
          assertTrue(System.nanoTime() < deadline, "all steps done within 2 minutes: " + shipped);
          Thread.sleep(100);
        }
      } finally {
        worker.close();
      }
      for (String order : orders) {
        assertEquals(STEPS, shipped.get(order), order);
      }
      double ok =
          registry.get("fenceq.jobs.ok").counters().stream().mapToDouble(c -> c.count()).sum();
      assertEquals(orders.size() * STEPS.size(), ok, "fenceq.jobs.ok on the registry");
    }
  }
}
