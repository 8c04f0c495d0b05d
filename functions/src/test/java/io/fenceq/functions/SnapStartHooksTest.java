package io.fenceq.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.HashMap;
import java.util.Map;
import org.crac.Resource;
import org.junit.jupiter.api.Test;

/**
 * The SnapStart hooks run without AWS: the endpoint below refuses every connection, and the primed
 * calls are stopped before they are sent.
 */
class SnapStartHooksTest {
  private static final Map<String, String> ENV =
      Map.of(
          "FENCEQ_QUEUE_URL", "http://127.0.0.1:1/000000000000/q-work.fifo",
          "FENCEQ_LEASE_TABLE", "q-leases",
          "FENCEQ_HANDLER", "io.fenceq.examples.inventory.InventoryHandlers",
          "FENCEQ_INVENTORY_TABLE", "q-inventory",
          "FENCEQ_CRON_JOBS",
              "[{\"name\":\"sweep\",\"schedule\":\"rate(5 minutes)\",\"type\":\"t\"}]",
          "AWS_REGION", "eu-west-1",
          "AWS_ENDPOINT_URL", "http://127.0.0.1:1");

  @Test
  void everyFunctionPrimesAndRestoresWithoutCallingAws() {
    for (Resource function :
        new Resource[] {
          new EnqueueFunction(ENV), new ConsumerFunction(ENV), new LeaderFunction(ENV)
        }) {
      assertThatCode(
              () -> {
                function.beforeCheckpoint(null);
                function.afterRestore(null);
              })
          .as(function.getClass().getSimpleName())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void aRestoredConsumerTakesANewLeaseOwner() throws Exception {
    ConsumerFunction consumer = new ConsumerFunction(new HashMap<>(ENV));
    String before = consumer.owner();

    consumer.afterRestore(null);

    assertThat(consumer.owner()).isNotEqualTo(before).startsWith("lambda-");
  }
}
