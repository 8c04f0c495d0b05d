package io.fenceq.tests.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.functions.EnqueueFunction;
import io.fenceq.queue.internal.Json;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input the enqueue API refuses whole, before anything reaches the queue. */
class EnqueueFunctionInputTest {
  private static FunctionStack aws;
  private static EnqueueFunction function;

  @BeforeAll
  static void stack() {
    aws = new FunctionStack("enqueue-input", Map.of());
    function = new EnqueueFunction(aws.environment());
  }

  @Test
  void duplicateJobIdsInABatchAreRefusedNamingBothIndexes() throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-batch.json");
    event.put(
        "body",
        "{\"jobs\":[{\"key\":\"a\",\"type\":\"t\",\"jobId\":\"order-1\"},"
            + "{\"key\":\"b\",\"type\":\"t\",\"jobId\":\"order-2\"},"
            + "{\"key\":\"c\",\"type\":\"t\",\"jobId\":\"order-1\"}]}");

    JsonNode problem = assertProblem(invoke(event), 400, "jobs[2].jobId");
    assertThat(problem.get("detail").asText()).contains("index 0").contains("index 2");
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sku\\uffff", "sku\\ufffe"})
  void aKeySqsRefusesIsA400NamingTheKey(String jsonKey) throws Exception {
    ObjectNode single = LambdaEvents.tree("enqueue-job.json");
    single.put("body", "{\"key\":\"" + jsonKey + "\",\"type\":\"t\"}");
    ObjectNode batch = LambdaEvents.tree("enqueue-batch.json");
    batch.put(
        "body",
        "{\"jobs\":[{\"key\":\"ok\",\"type\":\"t\"},{\"key\":\""
            + jsonKey
            + "\",\"type\":\"t\"}]}");

    assertProblem(invoke(single), 400, "key");
    assertProblem(invoke(batch), 400, "jobs[1].key");
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  @Test
  void aPayloadSqsRefusesIsA400NamingThePayloadAndNothingOfTheBatchIsSent() throws Exception {
    ObjectNode batch = LambdaEvents.tree("enqueue-batch.json");
    batch.put(
        "body",
        "{\"jobs\":[{\"key\":\"a\",\"type\":\"t\"},"
            + "{\"key\":\"b\",\"type\":\"t\",\"payload\":{\"note\":\"\\uffff\"}}]}");

    assertProblem(invoke(batch), 400, "jobs[1].payload");
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml"})
  void aBodyThatIsNotJsonByItsContentTypeIs415(String contentType) throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-job.json");
    ((ObjectNode) event.get("headers")).put("content-type", contentType);

    APIGatewayV2HTTPResponse response = invoke(event);
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(415);
    assertThat(response.getHeaders())
        .containsEntry("Content-Type", "application/problem+json")
        .containsEntry("Accept-Post", "application/json");
    JsonNode problem = Json.MAPPER.readTree(response.getBody());
    assertThat(problem.get("status").asInt()).isEqualTo(415);
    assertThat(problem.get("detail").asText()).contains(contentType).contains("application/json");
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"application/json; charset=utf-8", "Application/JSON", "application/problem+json"})
  void jsonContentTypesAreAccepted(String contentType) throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-job.json");
    ((ObjectNode) event.get("headers")).put("content-type", contentType);
    event.put("body", "{\"key\":\"sku-1\",\"type\":\"t\",\"payload\":{}}");

    assertThat(invoke(event).getStatusCode()).isEqualTo(202);
    aws.receive(1)
        .forEach(
            m ->
                aws.sqs()
                    .deleteMessage(
                        r ->
                            r.queueUrl(aws.stack.workQueueUrl()).receiptHandle(m.receiptHandle())));
  }

  @Test
  void aRepeatedMemberIsA400NamingIt() throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-job.json");
    event.put("body", "{\"key\":\"a\",\"type\":\"t\",\"key\":\"b\"}");

    assertProblem(invoke(event), 400, "key");
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "\\t", "sku\\n1", "\\u001b[2Jsku"})
  void aBlankKeyOrAKeyWithAControlCharacterIsA400NamingTheKey(String jsonKey) throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-job.json");
    event.put("body", "{\"key\":\"" + jsonKey + "\",\"type\":\"t\"}");

    assertProblem(invoke(event), 400, "key");
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  private static JsonNode assertProblem(APIGatewayV2HTTPResponse response, int status, String field)
      throws Exception {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
    JsonNode problem = Json.MAPPER.readTree(response.getBody());
    assertThat(problem.get("type").asText()).isEqualTo("urn:fenceq:problem:invalid-job");
    assertThat(problem.get("field").asText()).isEqualTo(field);
    assertThat(problem.get("detail").asText()).startsWith(field + " ").doesNotContain("\n");
    return problem;
  }

  private static APIGatewayV2HTTPResponse invoke(JsonNode event) {
    return function.handleRequest(
        LambdaEvents.as(event, APIGatewayV2HTTPEvent.class), TestContext.of("fenceq-enqueue"));
  }
}
