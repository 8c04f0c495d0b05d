package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.queue.Enqueuer;
import io.fenceq.ring.HashRing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The SQS calls behind {@link QueueActions}: batching, partial failures, the dead-letter copy. */
class SqsQueueActionsTest {
  private static final String QUEUE = "https://sqs.test/000000000000/work.fifo";
  private static final String DLQ = "https://sqs.test/000000000000/dlq.fifo";

  private final FakeSqs sqs = new FakeSqs();
  private final SqsQueueActions actions = new SqsQueueActions(sqs, config(DLQ));

  private static EngineConfig config(String dlq) {
    return EngineConfig.builder()
        .queueUrl(QUEUE)
        .deadLetterQueueUrl(dlq)
        .ring(HashRing.of(16))
        .build();
  }

  private static List<Message> messages(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                Message.builder()
                    .messageId("m-" + i)
                    .receiptHandle("rh-" + i)
                    .body("{\"n\":" + i + "}")
                    .attributes(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, "lane-0003"))
                    .messageAttributes(
                        Map.of(
                            Enqueuer.RING_ATTRIBUTE,
                            MessageAttributeValue.builder()
                                .dataType("String")
                                .stringValue("m3-16x2048")
                                .build()))
                    .build())
        .toList();
  }

  @Test
  void deletesInBatchesOfTenKeepingOrder() {
    Map<String, String> failed = actions.delete(messages(23));

    assertThat(failed).isEmpty();
    assertThat(sqs.deletes).extracting(DeleteMessageBatchRequest::queueUrl).containsOnly(QUEUE);
    assertThat(sqs.deletes).extracting(r -> r.entries().size()).containsExactly(10, 10, 3);
    assertThat(sqs.deletes.stream().flatMap(r -> r.entries().stream()))
        .extracting(DeleteMessageBatchRequestEntry::receiptHandle)
        .containsExactlyElementsOf(IntStream.range(0, 23).mapToObj(i -> "rh-" + i).toList());
  }

  @Test
  void reportsTheEntriesSqsFailedAndTheMessagesOfARequestThatFailed() {
    sqs.failHandles.add("rh-4");
    sqs.failRequestNumber = 2;

    Map<String, String> failed = actions.delete(messages(12));

    assertThat(failed).containsOnlyKeys("m-4", "m-10", "m-11");
    assertThat(failed.get("m-4")).startsWith("ReceiptHandleIsInvalid");
    assertThat(failed.get("m-10")).startsWith("ServiceUnavailable");
  }

  @Test
  void changesVisibilityInWholeSecondsRoundedUpAndAtMostTwelveHours() {
    actions.changeVisibility(messages(2), Duration.ofMillis(18_001));
    actions.changeVisibility(messages(1), Duration.ZERO);
    actions.changeVisibility(messages(1), Duration.ofDays(2));

    assertThat(sqs.visibilities.stream().flatMap(r -> r.entries().stream()))
        .extracting(ChangeMessageVisibilityBatchRequestEntry::visibilityTimeout)
        .containsExactly(19, 19, 0, 43_200);
  }

  @Test
  void aDeadLetterIsTheSameBodyInTheSameGroupWithTheReasonAndItsOrigin() {
    Message m = messages(1).get(0);

    actions.deadLetter(m, "malformed job: body is not JSON");

    SendMessageRequest sent = sqs.sends.get(0);
    assertThat(sent.queueUrl()).isEqualTo(DLQ);
    assertThat(sent.messageBody()).isEqualTo(m.body());
    assertThat(sent.messageGroupId()).isEqualTo("lane-0003");
    assertThat(sent.messageDeduplicationId()).isEqualTo("m-0");
    assertThat(sent.messageAttributes())
        .containsOnlyKeys(
            SqsQueueActions.REASON_ATTRIBUTE,
            SqsQueueActions.SOURCE_QUEUE_ATTRIBUTE,
            SqsQueueActions.MESSAGE_ID_ATTRIBUTE,
            Enqueuer.RING_ATTRIBUTE);
    assertThat(sent.messageAttributes().get(SqsQueueActions.REASON_ATTRIBUTE).stringValue())
        .isEqualTo("malformed job: body is not JSON");
    assertThat(sent.messageAttributes().get(SqsQueueActions.SOURCE_QUEUE_ATTRIBUTE).stringValue())
        .isEqualTo(QUEUE);
    assertThat(sent.messageAttributes().get(SqsQueueActions.MESSAGE_ID_ATTRIBUTE).stringValue())
        .isEqualTo("m-0");
    // The dead-letter copy is only sent; the engine deletes the original afterwards.
    assertThat(sqs.deletes).isEmpty();
  }

  @Test
  void aDeadLetterThatSqsRefusesOrThatHasNoQueueThrowsNamingTheMessage() {
    sqs.failRequestNumber = 1;
    assertThatThrownBy(() -> actions.deadLetter(messages(1).get(0), "why"))
        .isInstanceOf(DeadLetterException.class)
        .hasMessageContaining("dead-letter queue " + DLQ)
        .hasMessageContaining("message m-0 of lane lane-0003")
        .hasMessageContaining("ServiceUnavailable");

    SqsQueueActions noDlq = new SqsQueueActions(sqs, config(null));
    assertThatThrownBy(() -> noDlq.deadLetter(messages(1).get(0), "why"))
        .isInstanceOf(DeadLetterException.class)
        .hasMessageContaining("no dead-letter queue is configured");
  }

  private static Message withBody(String body) {
    return messages(1).get(0).toBuilder().body(body).build();
  }

  private static int copySize(SendMessageRequest sent) {
    return DeadLetterSize.of(sent.messageBody(), sent.messageAttributes());
  }

  private static String reasonOf(SendMessageRequest sent) {
    return sent.messageAttributes().get(SqsQueueActions.REASON_ATTRIBUTE).stringValue();
  }

  @Test
  void aLargeJobsDeadLetterCopyStaysWithinTheLimitByCuttingOnlyTheReason() {
    // The largest body whose copy has room for a 20-byte reason (17 bytes and the 3-byte marker).
    Message probe = withBody("x");
    actions.deadLetter(probe, "x");
    int overhead = copySize(sqs.sends.get(0)) - 2;
    Message m = withBody("x".repeat(1_048_576 - overhead - 20));
    String reason = "handler failed: " + "stack frame ".repeat(100);

    actions.deadLetter(m, reason);

    SendMessageRequest sent = sqs.sends.get(1);
    assertThat(copySize(sent)).isLessThanOrEqualTo(1_048_576);
    assertThat(sent.messageBody()).isEqualTo(m.body());
    assertThat(sent.messageAttributes().get(Enqueuer.RING_ATTRIBUTE).stringValue())
        .isEqualTo("m3-16x2048");
    assertThat(sent.messageAttributes().get(SqsQueueActions.SOURCE_QUEUE_ATTRIBUTE).stringValue())
        .isEqualTo(QUEUE);
    assertThat(reasonOf(sent)).isEqualTo("handler failed: s" + DeadLetterSize.TRUNCATED);
  }

  @Test
  void aJobOf1048493BytesHasNoRoomForItsCopysAttributesAndFailsSayingSoInsteadOfOversending() {
    // The copy's own attributes (source queue, message id, the ring) take more than the 83 bytes
    // left, so no reason fits; SQS would refuse the send, so fenceq refuses it first, with sizes.
    Message m = withBody("x".repeat(1_048_493));

    assertThatThrownBy(() -> actions.deadLetter(m, "why"))
        .isInstanceOf(DeadLetterException.class)
        .hasMessageContaining("message m-0")
        .hasMessageContaining("no room for one")
        .hasMessageContaining("limit of 1048576 bytes");
    assertThat(sqs.sends).isEmpty();
  }

  @Test
  void aCopyExactlyAtTheLimitKeepsItsReasonAndOneByteMoreCutsIt() {
    Message m = messages(1).get(0);
    String reason = "exactly at the limit";
    actions.deadLetter(m, reason);
    int exact = copySize(sqs.sends.get(0));

    new SqsQueueActions(sqs, config(DLQ), exact).deadLetter(m, reason);
    new SqsQueueActions(sqs, config(DLQ), exact - 1).deadLetter(m, reason);

    assertThat(copySize(sqs.sends.get(1))).isEqualTo(exact);
    assertThat(reasonOf(sqs.sends.get(1))).isEqualTo(reason);
    assertThat(copySize(sqs.sends.get(2))).isLessThanOrEqualTo(exact - 1);
    // The marker takes three bytes, so four characters go for one byte over.
    assertThat(reasonOf(sqs.sends.get(2))).isEqualTo("exactly at the l" + DeadLetterSize.TRUNCATED);
  }

  @Test
  void aMultiByteReasonIsCutOnACharacterBoundary() {
    Message m = messages(1).get(0);
    // Each "é" is two bytes in UTF-8 and each "😀" four; a cut inside one would send broken text.
    String reason = "é😀".repeat(50);
    actions.deadLetter(m, "é");
    int withOneChar = copySize(sqs.sends.get(0));

    // Room for the marker plus five bytes: "é" (2) fits, then "😀" (4) does not.
    new SqsQueueActions(sqs, config(DLQ), withOneChar - 2 + 3 + 5).deadLetter(m, reason);

    String sent = reasonOf(sqs.sends.get(1));
    assertThat(sent).isEqualTo("é" + DeadLetterSize.TRUNCATED);
    assertThat(sent.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .asString(java.nio.charset.StandardCharsets.UTF_8)
        .isEqualTo(sent);
  }

  @Test
  void aCopyTooLargeEvenWithoutAReasonFailsSayingSoAndSendsNothing() {
    Message m = withBody("x".repeat(1_048_576));

    assertThatThrownBy(() -> actions.deadLetter(m, "why"))
        .isInstanceOf(DeadLetterException.class)
        .hasMessageContaining("message m-0")
        .hasMessageContaining("no room for one")
        .hasMessageContaining("1048576 bytes");
    assertThat(sqs.sends).isEmpty();
  }

  /** Records requests; fails entries by receipt handle, or the n-th request as a whole. */
  private static final class FakeSqs implements SqsClient {
    final List<DeleteMessageBatchRequest> deletes = new ArrayList<>();
    final List<ChangeMessageVisibilityBatchRequest> visibilities = new ArrayList<>();
    final List<SendMessageRequest> sends = new ArrayList<>();
    final Set<String> failHandles = new HashSet<>();
    int failRequestNumber;
    private int requests;

    private void maybeFail() {
      if (++requests == failRequestNumber) {
        throw (SqsException)
            SqsException.builder()
                .statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ServiceUnavailable").build())
                .message("scripted")
                .build();
      }
    }

    private List<BatchResultErrorEntry> failures(List<String> ids, List<String> handles) {
      List<BatchResultErrorEntry> failed = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        if (failHandles.contains(handles.get(i))) {
          failed.add(
              BatchResultErrorEntry.builder()
                  .id(ids.get(i))
                  .code("ReceiptHandleIsInvalid")
                  .message("scripted")
                  .senderFault(true)
                  .build());
        }
      }
      return failed;
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
      deletes.add(request);
      maybeFail();
      return DeleteMessageBatchResponse.builder()
          .failed(
              failures(
                  request.entries().stream().map(DeleteMessageBatchRequestEntry::id).toList(),
                  request.entries().stream()
                      .map(DeleteMessageBatchRequestEntry::receiptHandle)
                      .toList()))
          .build();
    }

    @Override
    public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
        ChangeMessageVisibilityBatchRequest request) {
      visibilities.add(request);
      maybeFail();
      return ChangeMessageVisibilityBatchResponse.builder()
          .failed(
              failures(
                  request.entries().stream()
                      .map(ChangeMessageVisibilityBatchRequestEntry::id)
                      .toList(),
                  request.entries().stream()
                      .map(ChangeMessageVisibilityBatchRequestEntry::receiptHandle)
                      .toList()))
          .build();
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
      maybeFail();
      sends.add(request);
      return SendMessageResponse.builder().messageId("dlq-1").build();
    }

    @Override
    public String serviceName() {
      return "sqs";
    }

    @Override
    public void close() {}
  }
}
