package io.fenceq.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.queue.internal.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The message body of a job on the wire: {@code {"v":1,"key":…,"type":…,"payload":…,"jobId":…,
 * "enqueuedAt":"2026-11-26T11:21:19.123Z"}}. Producers and consumers of different versions share a
 * queue, so the format is versioned by {@code v} and parsing is strict: a body that is not a valid
 * envelope of a known version is refused with a {@link MalformedJobException} naming what is wrong,
 * so that it can be sent to the dead-letter queue with that reason rather than retried forever.
 */
public record JobEnvelope(
    int v, String key, String type, JsonNode payload, String jobId, Instant enqueuedAt) {
  /** The envelope version this code writes and reads. */
  public static final int VERSION = 1;

  public JobEnvelope {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(enqueuedAt, "enqueuedAt");
  }

  /** Wraps a validated request with its job id and enqueue time. */
  public static JobEnvelope of(JobRequest request, String jobId, Instant enqueuedAt) {
    return new JobEnvelope(
        VERSION, request.key(), request.type(), request.payload(), jobId, enqueuedAt);
  }

  /** The JSON message body. */
  public String toJson() {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("v", v);
    node.put("key", key);
    node.put("type", type);
    node.set("payload", payload);
    node.put("jobId", jobId);
    node.put("enqueuedAt", enqueuedAt.toString());
    return Json.write(node);
  }

  /**
   * Parses a message body.
   *
   * @throws MalformedJobException if the body is not JSON, lacks a field, has a field of the wrong
   *     type, an invalid key, type or job id, or an unknown version
   */
  public static JobEnvelope parse(String body) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(body);
    } catch (Exception e) {
      throw new MalformedJobException("body is not JSON: " + Json.shortMessage(e));
    }
    if (node == null || !node.isObject()) {
      throw new MalformedJobException("body is not a JSON object");
    }
    JsonNode version = node.get("v");
    if (version == null || !version.canConvertToExactIntegral()) {
      throw new MalformedJobException("field v (envelope version) is missing or not an integer");
    }
    if (version.asInt() != VERSION) {
      throw new MalformedJobException(
          "envelope version "
              + version.asText()
              + " is not supported (this reader knows "
              + VERSION
              + ")");
    }
    String key = text(node, "key");
    String type = text(node, "type");
    String jobId = text(node, "jobId");
    String enqueuedAtText = text(node, "enqueuedAt");
    JsonNode payload = node.get("payload");
    if (payload == null) {
      throw new MalformedJobException("field payload is missing");
    }
    Instant enqueuedAt;
    try {
      enqueuedAt = Instant.parse(enqueuedAtText);
    } catch (DateTimeParseException e) {
      throw new MalformedJobException(
          "field enqueuedAt is not an ISO-8601 instant: \"" + Json.preview(enqueuedAtText) + "\"");
    }
    try {
      JobRequest.validateKey(key);
      JobRequest.validateType(type);
      JobRequest.validateJobId(jobId);
    } catch (InvalidJobException e) {
      throw new MalformedJobException(e.getMessage());
    }
    return new JobEnvelope(VERSION, key, type, payload, jobId, enqueuedAt);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new MalformedJobException("field " + field + " is missing or not a string");
    }
    return value.textValue();
  }
}
