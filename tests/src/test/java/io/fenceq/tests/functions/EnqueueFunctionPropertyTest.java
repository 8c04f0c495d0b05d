package io.fenceq.tests.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.functions.EnqueueFunction;
import io.fenceq.queue.internal.Json;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a client sends, the enqueue API answers 202 for every job of the request or a 4xx that
 * names a field and why, with nothing enqueued; never a 5xx, never a stack trace.
 */
class EnqueueFunctionPropertyTest {
  /** One stack for every try: starting one per try would dominate the run. */
  private static final class Stack {
    static final FunctionStack AWS = new FunctionStack("enqueue-props", Map.of());
    static final EnqueueFunction FUNCTION = new EnqueueFunction(AWS.environment());
  }

  @Property(tries = 300)
  void anyRequestIsTakenWholeOrRefusedWithA4xx(
      @ForAll boolean batch, @ForAll("bodies") String body, @ForAll("contentTypes") String type) {
    ObjectNode event = LambdaEvents.tree(batch ? "enqueue-batch.json" : "enqueue-job.json");
    event.put("body", batch ? "{\"jobs\":[" + body + "]}" : body);
    ((ObjectNode) event.get("headers")).put("content-type", type);
    int[] before = Stack.AWS.queueDepth();

    APIGatewayV2HTTPResponse response =
        Stack.FUNCTION.handleRequest(
            LambdaEvents.as(event, APIGatewayV2HTTPEvent.class), TestContext.of("fenceq-enqueue"));

    int status = response.getStatusCode();
    assertThat(status).as(response.getBody()).isIn(202, 400, 415);
    JsonNode answer = readJson(response.getBody());
    if (status == 202) {
      return;
    }
    assertThat(answer.get("detail").asText()).doesNotContain("\n", "\tat ");
    if (status == 400) {
      String field = answer.get("field").asText();
      assertThat(field).isNotBlank();
      assertThat(answer.get("detail").asText()).startsWith(field + " ");
    }
    assertThat(Stack.AWS.queueDepth()).containsExactly(before);
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of(
        "application/json", "application/json", "application/json; charset=utf-8", "text/plain");
  }

  /** Jobs, comma-separated for a batch: known and unknown members, values of every kind. */
  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> name =
        Arbitraries.oneOf(
            Arbitraries.of("key", "type", "payload", "jobId", "key", "type"),
            Arbitraries.strings().all().ofMaxLength(3));
    Arbitrary<String> text =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(8),
            Arbitraries.strings().alpha().numeric().withChars("-:").ofMinLength(1).ofMaxLength(8),
            Arbitraries.strings()
                .withChars(" \t\n\u0000\u0085\uFFFD\uFFFE\uFFFF\uD800\uDC00")
                .ofMaxLength(4));
    Arbitrary<String> value =
        Arbitraries.oneOf(
            text.map(EnqueueFunctionPropertyTest::quote),
            Arbitraries.of("null", "7", "[]", "{}", "{\"a\":1,\"a\":2}"),
            text.map(t -> "{" + quote(t) + ":" + quote(t) + "}"));
    Arbitrary<String> job =
        Combinators.combine(name.map(EnqueueFunctionPropertyTest::quote), value)
            .as((n, v) -> n + ":" + v)
            .list()
            .ofMaxSize(5)
            .map(members -> "{" + String.join(",", members) + "}");
    return Arbitraries.oneOf(
        job,
        job.list().ofMinSize(1).ofMaxSize(11).map(jobs -> String.join(",", jobs)),
        Arbitraries.strings().all().ofMaxLength(20));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static JsonNode readJson(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("the answer is not JSON: " + body, e);
    }
  }
}
