package io.fenceq.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class DeadLetterTest {
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  private static DeadLetter job(String key, String jobId, Map<String, String> attributes) {
    String body =
        JobEnvelope.of(JobRequest.ofJson(key, "reserve", "{\"qty\":1}"), jobId, AT).toJson();
    return DeadLetter.of("m-1", "lane-0007", "42", body, attributes);
  }

  @Test
  void readsTheEnvelopeTheReasonAndTheCountOfAttemptsTheEngineWrote() {
    DeadLetter d =
        job(
            "sku-1",
            "j-1",
            Map.of(
                DeadLetter.REASON_ATTRIBUTE,
                "its handler failed 5 times (maxAttempts 5); the last failure: boom",
                DeadLetter.SOURCE_QUEUE_ATTRIBUTE,
                "https://sqs/work.fifo"));
    assertThat(d.jobId()).isEqualTo("j-1");
    assertThat(d.key()).hasValue("sku-1");
    assertThat(d.type()).hasValue("reserve");
    assertThat(d.enqueuedAt()).hasValue(AT);
    assertThat(d.attempts()).hasValue(5);
    assertThat(d.sourceQueue()).hasValue("https://sqs/work.fifo");
    assertThat(d.problem()).isNull();
  }

  @Test
  void countsTheDeliveryWhenTheQueuesMaxReceiveCountEndedIt() {
    DeadLetter d =
        job(
            "sku-1",
            "j-1",
            Map.of(
                DeadLetter.REASON_ATTRIBUTE,
                "its handler failed on delivery 8 of 8 (the queue's maxReceiveCount): boom"));
    assertThat(d.attempts()).hasValue(8);
  }

  @Test
  void aJobTheRedrivePolicyMovedHasNoReasonAndNoCount() {
    DeadLetter d = job("sku-1", "j-1", Map.of());
    assertThat(d.reason()).isEqualTo(DeadLetter.REDRIVE_POLICY_REASON);
    assertThat(d.attempts()).isEmpty();
  }

  @Test
  void aMalformedBodyIsKeptWithItsProblemAndNamedByItsMessageId() {
    DeadLetter d = DeadLetter.of("m-9", "lane-0001", "7", "{not json", Map.of());
    assertThat(d.problem()).contains("not JSON");
    assertThat(d.key()).isEmpty();
    assertThat(d.jobId()).isEqualTo("[m-9]");
    assertThat(DeadLetterSelection.key("sku-1").matches(d)).isFalse();
    assertThat(DeadLetterSelection.jobIds(Set.of("[m-9]")).matches(d)).isTrue();
    assertThat(DeadLetterSelection.all().matches(d)).isTrue();
  }

  @Test
  void selectionsChooseByKeyOrJobId() {
    DeadLetter d = job("sku-1", "j-1", Map.of());
    assertThat(DeadLetterSelection.key("sku-1").matches(d)).isTrue();
    assertThat(DeadLetterSelection.key("sku-2").matches(d)).isFalse();
    assertThat(DeadLetterSelection.jobIds(Set.of("j-1", "j-2")).matches(d)).isTrue();
    assertThat(DeadLetterSelection.jobIds(Set.of("j-2")).matches(d)).isFalse();
    assertThatThrownBy(() -> DeadLetterSelection.jobIds(Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRedrivesDeduplicationIdIsStablePerCopyAndNeverTheJobId() {
    String once = Redrive.deduplicationId("copy-1");
    assertThat(Redrive.deduplicationId("copy-1")).isEqualTo(once);
    assertThat(Redrive.deduplicationId("copy-2")).isNotEqualTo(once);
    // SQS: at most 128 characters, alphanumerics and punctuation.
    assertThat(once).startsWith(Redrive.DEDUPLICATION_PREFIX).hasSizeLessThanOrEqualTo(128);
    assertThat(once).matches("[A-Za-z0-9-]+");
  }

  @Test
  void theBuilderNamesTheBadSetting() {
    assertThatThrownBy(() -> DeadLetters.builder().build())
        .hasMessage("invalid DeadLetters setting sqs: null");
    try (SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).build()) {
      assertThatThrownBy(
              () ->
                  DeadLetters.builder()
                      .sqs(sqs)
                      .deadLetterQueueUrl("https://sqs/dlq.fifo")
                      .receiveWait(Duration.ofSeconds(21))
                      .build())
          .hasMessage("invalid DeadLetters setting receiveWait: PT21S");
    }
  }
}
