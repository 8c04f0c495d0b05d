package io.fenceq.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobRequestTest {
  @Test
  void acceptsAJsonPayloadAndKeepsItAsATree() {
    JobRequest job = JobRequest.ofJson("sku-1", "reserve", "{\"qty\": 2}");
    assertThat(job.payload().get("qty").asInt()).isEqualTo(2);
    assertThat(job.jobId()).isNull();
  }

  @Test
  void serializesObjectPayloads() {
    JobRequest job = JobRequest.of("sku-1", "reserve", Map.of("qty", 3));
    assertThat(job.payload().get("qty").asInt()).isEqualTo(3);
  }

  @Test
  void refusesAnEmptyKey() {
    assertThatThrownBy(() -> JobRequest.ofJson("", "reserve", "{}"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("key"))
        .hasMessageContaining("must not be empty");
  }

  @Test
  void acceptsAKeyOfExactly1024Utf8BytesAndRefusesOneMore() {
    String euro = "€".repeat(341); // 3 bytes each: 1023 bytes
    assertThat(JobRequest.ofJson(euro + "a", "t", "{}").key()).hasSize(342);
    assertThatThrownBy(() -> JobRequest.ofJson(euro + "ab", "t", "{}"))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("1025 bytes of UTF-8")
        .hasMessageContaining("limit of 1024");
  }

  @Test
  void refusesAKeyThatIsNotValidUnicode() {
    assertThatThrownBy(() -> JobRequest.ofJson("a\uD800b", "t", "{}"))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("unpaired UTF-16 surrogate at index 1");
    assertThat(JobRequest.ofJson("emoji-\uD83D\uDE00", "t", "{}").key()).endsWith("\uDE00");
  }

  @Test
  void refusesPayloadsThatAreNotJson() {
    assertThatThrownBy(() -> JobRequest.ofJson("k", "t", "{qty: 1"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("payload"))
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> JobRequest.ofJson("k", "t", "{} trailing"))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> JobRequest.ofJson("k", "t", "   "))
        .isInstanceOf(InvalidJobException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void refusesBadTypesAndJobIds() {
    assertThatThrownBy(() -> JobRequest.ofJson("k", "has space", "{}"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("type"));
    assertThatThrownBy(() -> JobRequest.ofJson("k", "t", "{}").withJobId("a b"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("jobId"))
        .hasMessageContaining("deduplication id");
    assertThatThrownBy(() -> JobRequest.ofJson("k", "t", "{}").withJobId("x".repeat(129)))
        .isInstanceOf(InvalidJobException.class);
    assertThat(
            JobRequest.ofJson("k", "t", "{}").withJobId("cron:nightly:2026-11-26T00:00Z").jobId())
        .isEqualTo("cron:nightly:2026-11-26T00:00Z");
  }
}
