package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.SqsQueueActions;
import io.fenceq.local.demo.FinalState.DeadLetter;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A dead letter the engine sent carries its reason; one SQS's redrive moved has none, and is shown
 * as redriven, with its receives, so that it is not mistaken for a job that failed its attempts.
 */
class DeadLetterLabelTest {
  private static final String BODY =
      JobEnvelope.of(
              JobRequest.ofJson("sku-1", "reserve", "{}"),
              "demo-7",
              Instant.parse("2026-11-26T12:00:00Z"))
          .toJson();

  private static Message dlqCopy(String receiveCount, String reason) {
    Message.Builder m =
        Message.builder()
            .messageId("m-1")
            .body(BODY)
            .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, receiveCount));
    if (reason != null) {
      m.messageAttributes(
          Map.of(
              SqsQueueActions.REASON_ATTRIBUTE,
              MessageAttributeValue.builder().dataType("String").stringValue(reason).build()));
    }
    return m.build();
  }

  @Test
  void aJobRedrivenBySqsIsLabelledWithItsReceivesOnTheWorkQueue() {
    DeadLetter letter = StateReader.deadLetter(dlqCopy("51", null));

    assertThat(letter.jobId()).isEqualTo("demo-7");
    assertThat(letter.reason()).isEqualTo("redriven by SQS after 50 receives (no fenceq reason)");
    assertThat(letter.isRedriven()).isTrue();
  }

  @Test
  void aJobTheEngineDeadLetteredKeepsItsReason() {
    String reason = "its handler failed 5 times (maxAttempts 5); the last failure: boom";

    DeadLetter letter = StateReader.deadLetter(dlqCopy("6", reason));

    assertThat(letter.reason()).isEqualTo(reason);
    assertThat(letter.isRedriven()).isFalse();
  }

  @Test
  void anUnknownReceiveCountStillSaysRedriven() {
    assertThat(StateReader.deadLetter(dlqCopy("x", null)).reason())
        .isEqualTo("redriven by SQS (no fenceq reason)");
  }
}
