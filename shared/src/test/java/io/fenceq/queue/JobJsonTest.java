package io.fenceq.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class JobJsonTest {
  @Test
  void readsExactlyOneValueAndRefusesTrailingContent() throws Exception {
    assertThat(JobJson.read("{\"qty\": 2}").get("qty").asInt()).isEqualTo(2);
    assertThatThrownBy(() -> JobJson.read("{} x")).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void errorTextNamesThePlaceWithoutEchoingTheInput() {
    String secret = "{\"card\": \"4111 1111 1111 1111\",";
    JsonProcessingException e = null;
    try {
      JobJson.read(secret);
    } catch (JsonProcessingException thrown) {
      e = thrown;
    }

    assertThat(e).isNotNull();
    assertThat(JobJson.errorText(e)).contains("at line 1, column").doesNotContain("4111");
    assertThat(JobJson.errorText(e)).doesNotContain("\n");
  }

  @Test
  void errorTextIsTheSameAsAPayloadRefusalSays() {
    try {
      JobJson.read("[1,");
    } catch (JsonProcessingException e) {
      assertThatThrownBy(() -> JobRequest.ofJson("k", "t", "[1,"))
          .hasMessageEndingWith("is not valid JSON: " + JobJson.errorText(e));
      return;
    }
    throw new AssertionError("[1, was read as JSON");
  }

  @Test
  void previewKeepsErrorsOnOneLineAndShort() {
    assertThat(JobJson.preview("a\nb")).isEqualTo("a?b");
    assertThat(JobJson.preview("x".repeat(50))).isEqualTo("x".repeat(40) + "…");
  }

  @Test
  void writesCompactJson() {
    assertThat(JobJson.write(JsonNodeFactory.instance.objectNode().put("jobId", "j-1")))
        .isEqualTo("{\"jobId\":\"j-1\"}");
  }
}
