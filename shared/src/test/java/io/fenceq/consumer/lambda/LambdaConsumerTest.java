package io.fenceq.consumer.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.consumer.ConsumerConfigException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the Lambda library API does before any AWS call: building, the answers that need no engine,
 * the owner refresh and closing. The endpoint refuses connections; nothing here reaches it.
 */
class LambdaConsumerTest {
  private static final Map<String, String> ENV =
      Map.of(
          "FENCEQ_QUEUE_URL", "http://127.0.0.1:1/000000000000/q-work.fifo",
          "FENCEQ_LEASE_TABLE", "q-leases",
          "AWS_REGION", "eu-west-1",
          "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
          "AWS_ACCESS_KEY_ID", "x",
          "AWS_SECRET_ACCESS_KEY", "y");

  @Test
  void handlersByTypeNeedNoHandlerClass() {
    try (LambdaConsumer consumer =
        LambdaConsumer.builder().environment(ENV).handler("ping", (job, context) -> {}).build()) {
      assertThat(consumer.jobTypes()).containsExactly("ping");
      assertThat(consumer.config().engine().queueUrl()).isEqualTo(ENV.get("FENCEQ_QUEUE_URL"));
    }
  }

  @Test
  void withoutHandlersItNamesTheVariableToSet() {
    assertThatThrownBy(() -> LambdaConsumer.builder().environment(ENV).build())
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageStartingWith("FENCEQ_HANDLER is required");
    assertThatThrownBy(() -> LambdaConsumer.builder().handler("ping", (job, c) -> {}).build())
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageContaining("environment(...) or config(...)");
  }

  @Test
  void anEmptyEventReportsNothingAndTooLittleTimeReportsEverything() {
    try (LambdaConsumer consumer =
        LambdaConsumer.builder().environment(ENV).handler("ping", (job, context) -> {}).build()) {
      SQSEvent empty = new SQSEvent();
      empty.setRecords(List.of());
      assertThat(consumer.process(empty, remaining(60_000)).getBatchItemFailures()).isEmpty();

      SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
      record.setMessageId("m-1");
      record.setBody("{}");
      SQSEvent one = new SQSEvent();
      one.setRecords(List.of(record));
      assertThat(consumer.process(one, remaining(300)).getBatchItemFailures())
          .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
          .containsExactly("m-1");
    }
  }

  @Test
  void aRefreshTakesANewOwnerAndCloseIsIdempotent() {
    LambdaConsumer consumer =
        LambdaConsumer.builder().environment(ENV).handler("ping", (job, context) -> {}).build();
    String before = consumer.owner();

    consumer.refreshOwner();

    assertThat(consumer.owner()).startsWith("lambda-").isNotEqualTo(before);
    consumer.close();
    consumer.close();
  }

  private static Context remaining(int millis) {
    return (Context)
        Proxy.newProxyInstance(
            Context.class.getClassLoader(),
            new Class<?>[] {Context.class},
            (proxy, method, args) ->
                method.getName().equals("getRemainingTimeInMillis") ? millis : null);
  }
}
