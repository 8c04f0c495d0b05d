package io.fenceq.tests.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.examples.inventory.StockLevel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's own Lambda handler on the library API ({@link OrdersFunction}): the README quotes
 * exactly this class, and it processes {@code events/consumer-fifo-batch.json} on the embedded
 * emulators as the packaged consumer function does.
 */
class LambdaLibraryExampleTest {
  private static final Path README = Path.of("..", "README.md");
  private static final Path SOURCE =
      Path.of("src", "test", "java", "io", "fenceq", "tests", "functions", "OrdersFunction.java");
  private static final String MARKER =
      "<!-- quoted from tests/src/test/java/io/fenceq/tests/functions/OrdersFunction.java -->";
  private static final String EVENT = "consumer-fifo-batch.json";
  private static final long STOCK = 100;

  @Test
  void theReadmeQuotesTheClassThatRuns() throws IOException {
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    String declared = source.substring(source.indexOf("public final class OrdersFunction"));
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int marker = readme.indexOf(MARKER);
    assertThat(marker).as("README.md has the marker %s", MARKER).isNotNegative();
    int open = readme.indexOf("```java\n", marker) + "```java\n".length();
    int close = readme.indexOf("```", open);

    assertThat(readme.substring(open, close).strip()).isEqualTo(declared.strip());
  }

  @Test
  void itProcessesTheSampleBatchWithGroupScopedFailures() throws Exception {
    FunctionStack aws = new FunctionStack("orders", Map.of("VisibilityTimeoutSeconds", "600"));
    aws.inventory.seed(List.of("sku-1", "sku-2", "sku-3"), STOCK);
    ObjectNode json = aws.delivered(LambdaEvents.tree(EVENT));

    SQSBatchResponse response =
        new OrdersFunction(aws.environment())
            .handleRequest(LambdaEvents.as(json, SQSEvent.class), TestContext.of("orders"));

    // sku-2's second job (qty 0) fails: it and the job behind it in its lane are reported.
    assertThat(
            response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList())
        .containsExactlyInAnyOrder(
            messageId(json, "order-1005:reserve"), messageId(json, "order-1002:release"));
    assertThat(aws.stock("sku-1")).extracting(StockLevel::stock).isEqualTo(STOCK - 3);
    assertThat(aws.stock("sku-3")).extracting(StockLevel::stock).isEqualTo(STOCK - 5);
    assertThat(aws.stock("sku-2"))
        .extracting(StockLevel::stock, StockLevel::reserved)
        .containsExactly(STOCK - 1, 1L);
  }

  private static String messageId(JsonNode event, String jobId) {
    for (JsonNode record : event.get("Records")) {
      if (record.at("/attributes/MessageDeduplicationId").asText().equals(jobId)) {
        return record.get("messageId").asText();
      }
    }
    throw new AssertionError("no record of job " + jobId + " in " + EVENT);
  }
}
