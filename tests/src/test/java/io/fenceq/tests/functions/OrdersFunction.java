package io.fenceq.tests.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.examples.inventory.Inventory;
import java.util.Map;

// README.md quotes this class from its declaration on (LambdaLibraryExampleTest checks it).
public final class OrdersFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private final LambdaConsumer consumer;

  public OrdersFunction() {
    this(System.getenv());
  }

  OrdersFunction(Map<String, String> env) {
    consumer =
        LambdaConsumer.builder()
            .environment(env) // FENCEQ_QUEUE_URL, FENCEQ_LEASE_TABLE, AWS_REGION, ...
            .handlerFactory(
                r -> new Inventory(r.dynamoDb(), env.get("FENCEQ_INVENTORY_TABLE")).handlers())
            .build();
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return consumer.process(event, context);
  }
}
