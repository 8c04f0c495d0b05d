package io.fenceq.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

class LargePayloadsTest {
  private static final MessageAttributeValue SIZE =
      MessageAttributeValue.builder().dataType("Number").stringValue("2000000").build();

  @Test
  void aPointerRoundTripsInTheLibrarysFormatAndIsReadOnlyFromAMarkedMessage() {
    PayloadPointer pointer = new PayloadPointer("jobs-bucket", "k-1");
    String body = pointer.toJson();

    assertThat(body)
        .isEqualTo(
            "[\"software.amazon.payloadoffloading.PayloadS3Pointer\","
                + "{\"s3BucketName\":\"jobs-bucket\",\"s3Key\":\"k-1\"}]");
    assertThat(PayloadPointer.of(marked(body))).contains(pointer);
    assertThat(PayloadPointer.of(Message.builder().body(body).build())).isEmpty();
    assertThat(
            PayloadPointer.of(
                body, Map.of("SQSLargePayloadSize", SIZE))) // the library's legacy attribute
        .contains(pointer);
  }

  @Test
  void aMarkedMessageWhoseBodyIsNoPointerIsMalformed() {
    assertThatThrownBy(() -> PayloadPointer.of(marked("{\"v\":1}")))
        .isInstanceOf(MalformedJobException.class)
        .hasMessageContaining("ExtendedPayloadSize")
        .hasMessageContaining("not an S3 pointer");
  }

  @Test
  void settingsAreCheckedAndNamed() {
    try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).build()) {
      assertThatThrownBy(() -> LargePayloads.builder().s3(s3).bucket("Bad_Bucket").build())
          .hasMessageContaining("setting bucket")
          .hasMessageContaining("Bad_Bucket");
      assertThatThrownBy(
              () ->
                  LargePayloads.builder()
                      .s3(s3)
                      .bucket("jobs")
                      .thresholdBytes(300_000)
                      .maxPayloadBytes(200_000)
                      .build())
          .hasMessageContaining("setting maxPayloadBytes")
          .hasMessageContaining("200000");
      LargePayloads large = LargePayloads.builder().s3(s3).bucket("jobs").build();
      assertThat(large.thresholdBytes()).isEqualTo(262_144);
      assertThat(large.maxPayloadBytes()).isEqualTo(2 * 1024 * 1024);
      assertThat(large.accepts(new PayloadPointer("jobs", "k"))).isTrue();
      assertThat(large.accepts(new PayloadPointer("elsewhere", "k"))).isFalse();
      assertThatThrownBy(() -> large.read(new PayloadPointer("elsewhere", "k")))
          .hasMessageContaining("s3://elsewhere/k is outside the large-payload bucket jobs");
    }
  }

  private static Message marked(String body) {
    return Message.builder()
        .body(body)
        .messageAttributes(Map.of(PayloadPointer.SIZE_ATTRIBUTE, SIZE))
        .build();
  }
}
