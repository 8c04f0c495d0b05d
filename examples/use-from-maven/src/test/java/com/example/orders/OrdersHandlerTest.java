package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fenceq.testing.Eventually;
import io.fenceq.testing.FenceqLocal;
import io.fenceq.testing.FenceqStack;
import io.fenceq.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The order handlers tested with fenceq-testing: a stack of the test's own, a worker on it. */
@FenceqLocal
class OrdersHandlerTest {
  @Test
  void eachOrdersStepsAreAppliedInOrder(FenceqStack stack, SqsClient sqs, DynamoDbClient dynamoDb) {
    Map<String, List<String>> applied = new ConcurrentHashMap<>();
    List<String> steps = List.of("pick", "pack", "ship");
    Orders.enqueueSteps(stack.enqueuer(), "order-1", steps);
    Orders.enqueueSteps(stack.enqueuer(), "order-2", steps);

    try (Worker worker =
        Worker.builder()
            .config(stack.consumerConfig().build())
            .sqs(sqs)
            .dynamoDb(dynamoDb)
            .handlers(
                Orders.handlers(
                    (order, step) ->
                        applied.computeIfAbsent(order, o -> new ArrayList<>()).add(step)))
            .build()
            .start()) {
      Eventually.await(
          "both orders' steps applied",
          Duration.ofMinutes(1),
          () -> applied.values().stream().mapToInt(List::size).sum() == 6);
    }

    assertEquals(steps, applied.get("order-1"));
    assertEquals(steps, applied.get("order-2"));
  }
}
