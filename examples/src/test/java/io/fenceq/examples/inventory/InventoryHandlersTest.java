package io.fenceq.examples.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.consumer.HandlerFactories;
import io.fenceq.consumer.HandlerResources;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class InventoryHandlersTest {
  private static final ConsumerConfig CONFIG =
      ConsumerConfig.builder()
          .queueUrl("http://127.0.0.1:9324/000000000000/q.fifo")
          .leaseTable("leases")
          .handler(ConsumerConfig.EXAMPLE_HANDLER)
          .build();

  @Test
  void theExampleHandlerNameIsThisClass() {
    assertThat(HandlerFactories.load(CONFIG)).isInstanceOf(InventoryHandlers.class);
  }

  @Test
  void theExampleNeedsItsTable() {
    assertThatThrownBy(
            () ->
                HandlerFactories.handlers(
                    new InventoryHandlers(), new HandlerResources(CONFIG, Map.of(), null, null)))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageStartingWith(
            "FENCEQ_INVENTORY_TABLE is required by the example handlers"
                + " (io.fenceq.examples.inventory.InventoryHandlers), got nothing (not set)");
  }

  @Test
  void withItsTableItHandlesReserveAndRelease() {
    assertThat(
            HandlerFactories.handlers(
                new InventoryHandlers(),
                new HandlerResources(
                    CONFIG,
                    Map.of(InventoryHandlers.INVENTORY_TABLE, "inventory"),
                    new DynamoDbClient() {
                      @Override
                      public String serviceName() {
                        return "dynamodb";
                      }

                      @Override
                      public void close() {}
                    },
                    null)))
        .containsOnlyKeys("reserve", "release");
  }
}
