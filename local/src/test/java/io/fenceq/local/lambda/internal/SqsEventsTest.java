package io.fenceq.local.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsEventsTest {
  private static final String ARN = "arn:aws:sqs:eu-west-1:123456789012:work.fifo";

  private static Message message(String id, String group, String seq) {
    return Message.builder()
        .messageId(id)
        .receiptHandle("rh-" + id)
        .body("{\"n\":" + id + "}")
        .md5OfBody("md5-" + id)
        .md5OfMessageAttributes("md5attrs-" + id)
        .attributes(
            Map.of(
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2",
                MessageSystemAttributeName.SENT_TIMESTAMP, "1700000000000",
                MessageSystemAttributeName.SEQUENCE_NUMBER, seq,
                MessageSystemAttributeName.MESSAGE_GROUP_ID, group,
                MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID, "dedup-" + id,
                MessageSystemAttributeName.SENDER_ID, "AIDAEXAMPLE",
                MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, "1700000000100"))
        .messageAttributes(
            Map.of(
                "fenceq.ring",
                MessageAttributeValue.builder().dataType("String").stringValue("m3-256").build(),
                "blob",
                MessageAttributeValue.builder()
                    .dataType("Binary")
                    .binaryValue(SdkBytes.fromUtf8String("bytes"))
                    .build()))
        .build();
  }

  @Test
  void everyRecordHasTheShapeLambdaSends() {
    SQSEvent event = SqsEvents.of(List.of(message("1", "lane-0007", "100")), ARN);

    assertThat(event.getRecords()).hasSize(1);
    SQSMessage record = event.getRecords().get(0);
    assertThat(record.getMessageId()).isEqualTo("1");
    assertThat(record.getReceiptHandle()).isEqualTo("rh-1");
    assertThat(record.getBody()).isEqualTo("{\"n\":1}");
    assertThat(record.getMd5OfBody()).isEqualTo("md5-1");
    assertThat(record.getMd5OfMessageAttributes()).isEqualTo("md5attrs-1");
    assertThat(record.getEventSource()).isEqualTo("aws:sqs");
    assertThat(record.getEventSourceArn()).isEqualTo(ARN);
    assertThat(record.getAwsRegion()).isEqualTo("eu-west-1");
    assertThat(record.getAttributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "ApproximateReceiveCount", "2",
                "SentTimestamp", "1700000000000",
                "SequenceNumber", "100",
                "MessageGroupId", "lane-0007",
                "MessageDeduplicationId", "dedup-1",
                "SenderId", "AIDAEXAMPLE",
                "ApproximateFirstReceiveTimestamp", "1700000000100"));
    SQSEvent.MessageAttribute ring = record.getMessageAttributes().get("fenceq.ring");
    assertThat(ring.getDataType()).isEqualTo("String");
    assertThat(ring.getStringValue()).isEqualTo("m3-256");
    assertThat(ring.getBinaryValue()).isNull();
    assertThat(ring.getStringListValues()).isEmpty();
    assertThat(ring.getBinaryListValues()).isEmpty();
    SQSEvent.MessageAttribute blob = record.getMessageAttributes().get("blob");
    assertThat(blob.getDataType()).isEqualTo("Binary");
    assertThat(blob.getStringValue()).isNull();
    assertThat(blob.getBinaryValue())
        .isEqualTo(ByteBuffer.wrap("bytes".getBytes(StandardCharsets.UTF_8)));
    assertThat(SqsEvents.group(record)).isEqualTo("lane-0007");
  }

  @Test
  void recordsKeepTheReceiveOrder() {
    SQSEvent event =
        SqsEvents.of(
            List.of(message("3", "a", "1"), message("1", "b", "2"), message("2", "a", "3")), ARN);

    assertThat(event.getRecords())
        .extracting(SQSMessage::getMessageId)
        .containsExactly("3", "1", "2");
  }

  @Test
  void aMessageWithoutAttributesGetsEmptyMapsAndNoGroup() {
    Message bare = Message.builder().messageId("x").receiptHandle("rh").body("b").build();

    SQSMessage record = SqsEvents.of(List.of(bare), ARN).getRecords().get(0);

    assertThat(record.getAttributes()).isEmpty();
    assertThat(record.getMessageAttributes()).isEmpty();
    assertThat(SqsEvents.group(record)).isNull();
  }

  @Test
  void regionAndAccountComeFromTheQueueArn() {
    assertThat(SqsEvents.region(ARN)).isEqualTo("eu-west-1");
    assertThat(SqsEvents.account(ARN)).isEqualTo("123456789012");
  }

  @Test
  void somethingElseThanAnSqsArnIsRefusedByName() {
    for (String bad :
        new String[] {
          null, "", "arn:aws:sns:eu-west-1:1:topic", "arn:aws:sqs::1:q", "arn:aws:sqs:r:1:"
        }) {
      assertThatThrownBy(() -> SqsEvents.region(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("not an SQS queue ARN: " + bad);
    }
  }
}
