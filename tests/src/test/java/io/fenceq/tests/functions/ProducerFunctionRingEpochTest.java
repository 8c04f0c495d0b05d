package io.fenceq.tests.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.functions.EnqueueFunction;
import io.fenceq.functions.LeaderFunction;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.support.RingKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The enqueue and leader functions on the embedded emulators after a reshard has started in the
 * lease table: with {@code FENCEQ_RING_EPOCHS=true} they send a moved key's job to its lane on the
 * new epoch's ring and stamp the epoch; without it, to its configured lane, unstamped.
 */
class ProducerFunctionRingEpochTest {
  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-11-26T12:02:30Z"), ZoneOffset.UTC);

  private FunctionStack aws;
  private HashRing configured;
  private HashRing resharded;
  private String movedKey;

  @BeforeEach
  void resharded() {
    aws = new FunctionStack("producer-epochs", Map.of());
    int lanes = aws.stack.lanes();
    configured = HashRing.of(lanes);
    resharded = HashRing.of(lanes * 2);
    RingConfigTable table =
        new RingConfigTable(aws.aws.dynamoDb(), aws.stack.leaseTable(), lanes, Clock.systemUTC());
    assertThat(table.start(table.read(), resharded.laneCount()).epoch()).isEqualTo(1);
    movedKey = RingKeys.moved(configured, resharded);
  }

  @Test
  void theEnqueueFunctionRoutesByTheEpochsRingAndStampsIt() {
    APIGatewayV2HTTPResponse response = enqueue(environment(true));

    assertThat(response.getStatusCode()).isEqualTo(202);
    Message sent = receiveOne();
    assertThat(sent.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .isEqualTo(resharded.laneFor(movedKey).id());
    assertThat(sent.messageAttributes().get(Enqueuer.EPOCH_ATTRIBUTE))
        .extracting(MessageAttributeValue::stringValue)
        .isEqualTo("1");
    assertThat(sent.messageAttributes().get(Enqueuer.RING_ATTRIBUTE).stringValue())
        .isEqualTo(resharded.descriptor());
  }

  @Test
  void withoutTheSettingTheEnqueueFunctionKeepsTheConfiguredRing() {
    APIGatewayV2HTTPResponse response = enqueue(environment(false));

    assertThat(response.getStatusCode()).isEqualTo(202);
    Message sent = receiveOne();
    assertThat(sent.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .isEqualTo(configured.laneFor(movedKey).id());
    assertThat(sent.messageAttributes()).doesNotContainKey(Enqueuer.EPOCH_ATTRIBUTE);
  }

  @Test
  void theLeaderEnqueuesItsTicksOnTheEpochsRingStamped() {
    Map<String, String> env = environment(true);
    env.put(
        LeaderFunction.CRON_JOBS,
        "[{\"name\": \"restock\", \"schedule\": \"rate(1 minute)\", \"type\": \"release\","
            + " \"key\": \""
            + movedKey
            + "\", \"payload\": {\"qty\": 1}}]");
    ScheduledEvent event = LambdaEvents.read("leader-schedule.json", ScheduledEvent.class);

    Map<String, Object> result =
        new LeaderFunction(env, NOW).handleRequest(event, TestContext.of("leader"));

    assertThat(result.get("leader")).isEqualTo(true);
    List<Message> queued = drain();
    assertThat(queued).isNotEmpty();
    for (Message m : queued) {
      assertThat(JobEnvelope.parse(m.body()).key()).isEqualTo(movedKey);
      assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
          .isEqualTo(resharded.laneFor(movedKey).id());
      assertThat(m.messageAttributes().get(Enqueuer.EPOCH_ATTRIBUTE).stringValue()).isEqualTo("1");
    }
  }

  private Map<String, String> environment(boolean ringEpochs) {
    Map<String, String> env = new HashMap<>(aws.environment());
    env.put(ConsumerConfig.RING_EPOCHS, Boolean.toString(ringEpochs));
    return env;
  }

  private APIGatewayV2HTTPResponse enqueue(Map<String, String> env) {
    ObjectNode event = LambdaEvents.tree("enqueue-job.json");
    event.put(
        "body", "{\"key\":\"" + movedKey + "\",\"type\":\"reserve\",\"payload\":{\"qty\":1}}");
    return new EnqueueFunction(env)
        .handleRequest(
            LambdaEvents.as(event, APIGatewayV2HTTPEvent.class), TestContext.of("fenceq-enqueue"));
  }

  private Message receiveOne() {
    List<Message> all = drain();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  /** Every message on the work queue, deleted once received. */
  private List<Message> drain() {
    List<Message> all = new ArrayList<>();
    for (List<Message> batch = aws.receive(1); !batch.isEmpty(); batch = aws.receive(1)) {
      for (Message m : batch) {
        all.add(m);
        aws.sqs()
            .deleteMessage(
                r -> r.queueUrl(aws.stack.workQueueUrl()).receiptHandle(m.receiptHandle()));
      }
    }
    return all;
  }
}
