package io.fenceq.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.convert.DurationStyle;

/**
 * The IDE's metadata says what the properties really default to: every default it shows equals the
 * value a fresh {@link FenceqProperties} holds, and every property is described.
 */
class PropertiesMetadataTest {
  @Test
  void theMetadataDefaultsAreThePropertiesDefaults() throws Exception {
    JsonNode metadata = fenceqMetadata();
    BeanWrapperImpl fresh = new BeanWrapperImpl(new FenceqProperties());
    List<String> checked = new ArrayList<>();
    for (JsonNode property : metadata.path("properties")) {
      String name = property.path("name").asText();
      if (!name.startsWith("fenceq.")) {
        continue;
      }
      assertThat(property.path("description").asText()).as("%s is described", name).isNotBlank();
      if (!property.has("defaultValue")) {
        continue;
      }
      Object actual = fresh.getPropertyValue(path(name));
      JsonNode shown = property.path("defaultValue");
      Object expected =
          actual instanceof Duration
              ? DurationStyle.detectAndParse(shown.asText())
              : actual instanceof Boolean ? (Object) shown.asBoolean() : (Object) shown.asInt();
      assertThat(actual).as(name).isEqualTo(expected);
      checked.add(name);
    }
    assertThat(checked)
        .contains(
            "fenceq.lanes",
            "fenceq.ring-epochs",
            "fenceq.worker.concurrency",
            "fenceq.worker.max-lanes-in-flight",
            "fenceq.worker.max-attempts",
            "fenceq.worker.lease-duration",
            "fenceq.worker.job-time-limit",
            "fenceq.worker.shutdown-timeout",
            "fenceq.worker.receive-wait",
            "fenceq.worker.unhealthy-written-off-threads");
  }

  /** {@code fenceq.worker.max-attempts} as a bean path: {@code worker.maxAttempts}. */
  private static String path(String property) {
    String[] words = property.substring("fenceq.".length()).split("-");
    StringBuilder path = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      path.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return path.toString();
  }

  private static JsonNode fenceqMetadata() throws Exception {
    ObjectMapper json = new ObjectMapper();
    for (URL url :
        Collections.list(
            PropertiesMetadataTest.class
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        JsonNode metadata = json.readTree(in);
        if (metadata.toString().contains("\"fenceq.queue-url\"")) {
          return metadata;
        }
      }
    }
    throw new AssertionError("no metadata for fenceq.* on the class path");
  }
}
