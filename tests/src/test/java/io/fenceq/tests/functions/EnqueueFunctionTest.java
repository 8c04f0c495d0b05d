package io.fenceq.tests.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.functions.EnqueueFunction;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.internal.Json;
import io.fenceq.ring.HashRing;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** The enqueue function on the embedded emulators, driven by {@code events/enqueue-*.json}. */
class EnqueueFunctionTest {
  private static FunctionStack aws;
  private static EnqueueFunction function;
  private static HashRing ring;

  @BeforeAll
  static void stack() {
    aws = new FunctionStack("enqueue", Map.of());
    function = new EnqueueFunction(aws.environment());
    ring = HashRing.of(aws.stack.lanes());
  }

  @Test
  void oneJobIsAcceptedWithItsLaneAndSequenceNumber() throws Exception {
    APIGatewayV2HTTPResponse response = invoke(LambdaEvents.tree("enqueue-job.json"));

    assertThat(response.getStatusCode()).isEqualTo(202);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/json");
    JsonNode body = json(response);
    assertThat(body.get("jobId").asText()).isEqualTo("order-981:reserve");
    assertThat(body.get("key").asText()).isEqualTo("sku-42");
    assertThat(body.get("lane").asText()).isEqualTo(ring.laneFor("sku-42").id());
    assertThat(body.get("sequenceNumber").asText()).isNotBlank();
    Message sent = receiveOne();
    assertThat(sent.messageId()).isEqualTo(body.get("messageId").asText());
    assertThat(sent.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .isEqualTo(body.get("lane").asText());
    JobEnvelope envelope = JobEnvelope.parse(sent.body());
    assertThat(envelope.type()).isEqualTo("reserve");
    assertThat(envelope.payload().get("qty").asInt()).isEqualTo(1);
  }

  @Test
  void aBatchIsAcceptedInOrder() throws Exception {
    APIGatewayV2HTTPResponse response = invoke(LambdaEvents.tree("enqueue-batch.json"));

    assertThat(response.getStatusCode()).isEqualTo(202);
    List<JsonNode> jobs = new ArrayList<>();
    json(response).get("jobs").forEach(jobs::add);
    assertThat(jobs)
        .extracting(j -> j.get("jobId").asText())
        .containsExactly("order-982:reserve", "order-983:reserve", "order-982:release");
    // Same key, same lane; the queue holds them in that order, with rising sequence numbers.
    // (ElasticMQ leaves sequenceNumber out of batch answers, so the answer's may be null here.)
    assertThat(jobs.get(2).get("lane").asText()).isEqualTo(jobs.get(0).get("lane").asText());
    List<Message> lane = new ArrayList<>();
    for (List<Message> batch = aws.receive(1); !batch.isEmpty(); batch = aws.receive(1)) {
      for (Message m : batch) {
        if (m.attributes()
            .get(MessageSystemAttributeName.MESSAGE_GROUP_ID)
            .equals(jobs.get(0).get("lane").asText())) {
          lane.add(m);
        }
        aws.sqs()
            .deleteMessage(
                r -> r.queueUrl(aws.stack.workQueueUrl()).receiptHandle(m.receiptHandle()));
      }
    }
    assertThat(lane)
        .extracting(m -> JobEnvelope.parse(m.body()).jobId())
        .containsExactly("order-982:reserve", "order-982:release");
    assertThat(
            new BigInteger(
                lane.get(1).attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER)))
        .isGreaterThan(
            new BigInteger(
                lane.get(0).attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER)));
  }

  @Test
  void theBadRequestSampleNamesTheField() throws Exception {
    APIGatewayV2HTTPResponse response = invoke(LambdaEvents.tree("enqueue-bad-request.json"));

    assertProblem(response, 400, "type");
  }

  @ParameterizedTest(name = "{0} -> field {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json                                                    | body",
        "[]                                                          | body",
        "''                                                          | body",
        "{\"type\":\"reserve\"}                                      | key",
        "{\"key\":\"\",\"type\":\"reserve\"}                         | key",
        "{\"key\":42,\"type\":\"reserve\"}                           | key",
        "{\"key\":\"sku-1\"}                                         | type",
        "{\"key\":\"sku-1\",\"type\":\"-bad\"}                       | type",
        "{\"key\":\"sku-1\",\"type\":\"reserve\",\"jobId\":\"a b\"}  | jobId",
        "{\"key\":\"sku-1\",\"type\":\"reserve\",\"jobId\":7}        | jobId",
        "{\"key\":\"sku-1\",\"type\":\"reserve\",\"Payload\":{}}     | Payload",
      })
  void aBadJobIsRefusedNamingTheField(String body, String field) throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-job.json");
    event.put("body", body);

    assertProblem(invoke(event), 400, field);
  }

  @ParameterizedTest(name = "{0} -> field {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}                                                                   | jobs",
        "{\"jobs\":{}}                                                        | jobs",
        "{\"jobs\":[]}                                                        | jobs",
        "{\"jobs\":[{\"key\":\"a\",\"type\":\"t\"},{\"type\":\"t\"}]}         | jobs[1].key",
        "{\"jobs\":[{\"key\":\"a\",\"type\":\"t\"},7]}                        | jobs[1]",
        "{\"jobs\":[{\"key\":\"a\",\"type\":\"t\"}],\"more\":1}               | more",
      })
  void aBadBatchIsRefusedNamingTheField(String body, String field) throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-batch.json");
    event.put("body", body);

    assertProblem(invoke(event), 400, field);
  }

  @Test
  void moreThanTenJobsAreRefused() throws Exception {
    StringBuilder jobs = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      jobs.append(i == 0 ? "" : ",").append("{\"key\":\"k").append(i).append("\",\"type\":\"t\"}");
    }
    ObjectNode event = LambdaEvents.tree("enqueue-batch.json");
    event.put("body", "{\"jobs\":[" + jobs + "]}");

    assertProblem(invoke(event), 400, "jobs");
  }

  @Test
  void aJobTooLargeForTheQueueNamesItsPayload() throws Exception {
    String big = "\"" + "x".repeat(300_000) + "\"";
    ObjectNode single = LambdaEvents.tree("enqueue-job.json");
    single.put("body", "{\"key\":\"sku-1\",\"type\":\"reserve\",\"payload\":" + big + "}");
    ObjectNode batch = LambdaEvents.tree("enqueue-batch.json");
    batch.put(
        "body",
        "{\"jobs\":[{\"key\":\"sku-1\",\"type\":\"reserve\"},"
            + "{\"key\":\"sku-2\",\"type\":\"reserve\",\"payload\":"
            + big
            + "}]}");

    assertProblem(invoke(single), 400, "payload");
    assertProblem(invoke(batch), 400, "jobs[1].payload");
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  @Test
  void aBase64BodyIsDecoded() throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-job.json");
    // Its own job id: the sample's would be dropped as a duplicate of another test's.
    String body = event.get("body").asText().replace("order-981:reserve", "order-981:base64");
    event.put("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
    event.put("isBase64Encoded", true);

    assertThat(invoke(event).getStatusCode()).isEqualTo(202);
    drain();
  }

  @Test
  void anUnknownPathIsNotFound() throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-job.json");
    event.put("rawPath", "/jobz");

    APIGatewayV2HTTPResponse response = invoke(event);

    assertThat(response.getStatusCode()).isEqualTo(404);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
    assertThat(json(response).get("status").asInt()).isEqualTo(404);
  }

  @Test
  void anotherMethodIsNotAllowed() throws Exception {
    ObjectNode event = LambdaEvents.tree("enqueue-batch.json");
    ((ObjectNode) event.at("/requestContext/http")).put("method", "GET");

    APIGatewayV2HTTPResponse response = invoke(event);

    assertThat(response.getStatusCode()).isEqualTo(405);
    assertThat(response.getHeaders()).containsEntry("Allow", "POST");
    assertThat(json(response).get("title").asText()).isEqualTo("Method Not Allowed");
  }

  @Test
  void aQueueThatIsGoneAnswers503() throws Exception {
    FunctionStack gone = new FunctionStack("enqueuegone", Map.of());
    EnqueueFunction warm = new EnqueueFunction(gone.environment());
    assertThat(invoke(warm, LambdaEvents.tree("enqueue-job.json")).getStatusCode()).isEqualTo(202);
    gone.sqs().deleteQueue(r -> r.queueUrl(gone.stack.workQueueUrl()));

    APIGatewayV2HTTPResponse single = invoke(warm, LambdaEvents.tree("enqueue-job.json"));
    APIGatewayV2HTTPResponse batch = invoke(warm, LambdaEvents.tree("enqueue-batch.json"));
    APIGatewayV2HTTPResponse cold =
        invoke(new EnqueueFunction(gone.environment()), LambdaEvents.tree("enqueue-job.json"));

    for (APIGatewayV2HTTPResponse response : List.of(single, batch, cold)) {
      assertThat(response.getStatusCode()).isEqualTo(503);
      assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
      JsonNode problem = json(response);
      assertThat(problem.get("type").asText()).isEqualTo("urn:fenceq:problem:queue-unavailable");
      assertThat(problem.get("detail").asText()).contains(gone.stack.workQueueUrl());
    }
    // The batch names every job as failed, none as accepted.
    assertThat(json(batch).get("failed")).hasSize(3);
    assertThat(json(batch).get("accepted")).isEmpty();
  }

  private static void assertProblem(APIGatewayV2HTTPResponse response, int status, String field)
      throws Exception {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(status);
    assertThat(response.getHeaders()).containsEntry("Content-Type", "application/problem+json");
    JsonNode problem = json(response);
    assertThat(problem.get("type").asText()).isEqualTo("urn:fenceq:problem:invalid-job");
    assertThat(problem.get("title").asText()).isEqualTo("Invalid job");
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("field").asText()).isEqualTo(field);
    assertThat(problem.get("detail").asText()).startsWith(field + " ").doesNotContain("\n");
  }

  private static APIGatewayV2HTTPResponse invoke(JsonNode event) {
    return invoke(function, event);
  }

  private static APIGatewayV2HTTPResponse invoke(EnqueueFunction f, JsonNode event) {
    return f.handleRequest(
        LambdaEvents.as(event, APIGatewayV2HTTPEvent.class), TestContext.of("fenceq-enqueue"));
  }

  private static JsonNode json(APIGatewayV2HTTPResponse response) throws Exception {
    return Json.MAPPER.readTree(response.getBody());
  }

  private static Message receiveOne() {
    List<Message> messages = aws.receive(5);
    assertThat(messages).hasSize(1);
    aws.sqs()
        .deleteMessage(
            r ->
                r.queueUrl(aws.stack.workQueueUrl())
                    .receiptHandle(messages.get(0).receiptHandle()));
    return messages.get(0);
  }

  /** Deletes what a test enqueued, so that the next one starts from an empty queue. */
  private static void drain() {
    for (List<Message> batch = aws.receive(1); !batch.isEmpty(); batch = aws.receive(1)) {
      for (Message m : batch) {
        aws.sqs()
            .deleteMessage(
                r -> r.queueUrl(aws.stack.workQueueUrl()).receiptHandle(m.receiptHandle()));
      }
    }
  }
}
