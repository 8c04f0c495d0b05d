package io.fenceq.consumer.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsMessagesTest {
  @Test
  void aRecordKeepsEverythingTheEngineReads() {
    SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
    record.setMessageId("m-1");
    record.setReceiptHandle("rh-1");
    record.setBody("{\"v\":1}");
    record.setMd5OfBody("md5");
    record.setAttributes(
        Map.of(
            "MessageGroupId", "lane-0117",
            "SequenceNumber", "18891776409224577024",
            "ApproximateReceiveCount", "3",
            "MessageDeduplicationId", "order-1",
            "SentTimestamp", "1795694400000",
            "SomethingNew", "x"));
    SQSEvent.MessageAttribute ring = new SQSEvent.MessageAttribute();
    ring.setDataType("String");
    ring.setStringValue("m3-256x2048");
    SQSEvent.MessageAttribute blob = new SQSEvent.MessageAttribute();
    blob.setDataType("Binary");
    blob.setBinaryValue(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)));
    record.setMessageAttributes(Map.of("fenceq.ring", ring, "blob", blob));
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(record));

    Message m = SqsMessages.of(event).get(0);

    assertThat(m.messageId()).isEqualTo("m-1");
    assertThat(m.receiptHandle()).isEqualTo("rh-1");
    assertThat(m.body()).isEqualTo("{\"v\":1}");
    assertThat(m.attributes())
        .containsEntry(MessageSystemAttributeName.MESSAGE_GROUP_ID, "lane-0117")
        .containsEntry(MessageSystemAttributeName.SEQUENCE_NUMBER, "18891776409224577024")
        .containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "3")
        .containsEntry(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, "order-1")
        .doesNotContainKey(MessageSystemAttributeName.UNKNOWN_TO_SDK_VERSION);
    assertThat(m.messageAttributes().get("fenceq.ring").stringValue()).isEqualTo("m3-256x2048");
    assertThat(m.messageAttributes().get("blob").binaryValue().asUtf8String()).isEqualTo("hi");
  }

  @Test
  void anEventWithoutRecordsHasNoMessages() {
    assertThat(SqsMessages.of(new SQSEvent())).isEmpty();
    assertThat(SqsMessages.of((SQSEvent) null)).isEmpty();
  }
}
