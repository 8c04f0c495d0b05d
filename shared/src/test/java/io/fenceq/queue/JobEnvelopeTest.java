package io.fenceq.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class JobEnvelopeTest {
  private static final Instant AT = Instant.parse("2026-11-26T11:21:19.123Z");

  @Test
  void writesTheDocumentedWireFormat() {
    JobEnvelope envelope =
        JobEnvelope.of(JobRequest.ofJson("sku-1", "reserve", "{\"qty\":2}"), "job-1", AT);
    assertThat(envelope.toJson())
        .isEqualTo(
            "{\"v\":1,\"key\":\"sku-1\",\"type\":\"reserve\",\"payload\":{\"qty\":2},"
                + "\"jobId\":\"job-1\",\"enqueuedAt\":\"2026-11-26T11:21:19.123Z\"}");
  }

  @Test
  void roundTripsUnicodeKeysAndAnyJsonPayload() {
    for (String payload : new String[] {"{\"a\":[1,2]}", "[1]", "\"text\"", "null", "42"}) {
      JobEnvelope envelope =
          JobEnvelope.of(JobRequest.ofJson("ключ-\uD83D\uDE00", "t", payload), "id-1", AT);
      assertThat(JobEnvelope.parse(envelope.toJson())).isEqualTo(envelope);
    }
  }

  @Test
  void refusesBodiesThatAreNotEnvelopesWithTheReason() {
    assertThatThrownBy(() -> JobEnvelope.parse("not json"))
        .isInstanceOf(MalformedJobException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> JobEnvelope.parse("[]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> JobEnvelope.parse("{\"v\":2}"))
        .hasMessageContaining("envelope version 2 is not supported");
    String valid = JobEnvelope.of(JobRequest.ofJson("k", "t", "{}"), "id-1", AT).toJson();
    assertThatThrownBy(() -> JobEnvelope.parse(valid.replace("\"key\":\"k\",", "")))
        .hasMessageContaining("field key is missing");
    assertThatThrownBy(() -> JobEnvelope.parse(valid.replace("\"payload\":{},", "")))
        .hasMessageContaining("field payload is missing");
    assertThatThrownBy(
            () -> JobEnvelope.parse(valid.replace("2026-11-26T11:21:19.123Z", "yesterday")))
        .hasMessageContaining("enqueuedAt is not an ISO-8601 instant");
    assertThatThrownBy(() -> JobEnvelope.parse(valid.replace("\"key\":\"k\"", "\"key\":\"\"")))
        .hasMessageContaining("key")
        .hasMessageContaining("must not be empty");
  }
}
