package io.fenceq.queue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceq.queue.internal.Json;
import io.fenceq.queue.internal.SqsText;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A job to enqueue: the key it serializes on, its type (which handler runs it), a JSON payload, and
 * an optional caller-chosen job id. Construction validates everything that does not depend on the
 * queue, so a bad job is refused before any message is sent.
 *
 * <p>The job id is the SQS deduplication id: enqueueing the same id twice within SQS's five-minute
 * deduplication window enqueues the job once. Give one whenever a retry of the caller's own request
 * could enqueue the same work twice; otherwise fenceq generates a random one.
 *
 * @param key the entity to serialize on; 1 to {@value #MAX_KEY_BYTES} bytes of UTF-8
 * @param type the job type, matching {@value #TYPE_PATTERN_TEXT}
 * @param payload the job's JSON payload (any JSON value; {@code null} JSON is allowed)
 * @param jobId the deduplication id, or {@code null} to have one generated
 */
public record JobRequest(String key, String type, JsonNode payload, String jobId) {
  /** Longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  /** SQS's limit for a deduplication id. */
  public static final int MAX_JOB_ID_LENGTH = 128;

  static final String TYPE_PATTERN_TEXT = "[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}";
  private static final Pattern TYPE_PATTERN = Pattern.compile(TYPE_PATTERN_TEXT);

  /** SQS accepts alphanumerics and ASCII punctuation in a deduplication id. */
  private static final Pattern JOB_ID_PATTERN =
      Pattern.compile("[\\x21-\\x7E]{1," + MAX_JOB_ID_LENGTH + "}");

  public JobRequest {
    validateKey(key);
    validateType(type);
    if (payload == null) {
      throw new InvalidJobException("payload", "must not be null (use a JSON null node or {})");
    }
    validatePayload(payload);
    if (jobId != null) {
      validateJobId(jobId);
    }
  }

  /** A job whose payload is given as JSON text, which must parse. */
  public static JobRequest ofJson(String key, String type, String payloadJson) {
    return new JobRequest(key, type, Json.parsePayload(payloadJson), null);
  }

  /** A job whose payload is any value Jackson can serialize (a record, a map, a tree). */
  public static JobRequest of(String key, String type, Object payload) {
    return new JobRequest(key, type, Json.toTree(payload), null);
  }

  /** The same job with a caller-chosen job id (the SQS deduplication id). */
  public JobRequest withJobId(String id) {
    return new JobRequest(key, type, payload, id);
  }

  /**
   * Checks a key as the enqueuer does: 1 to {@value #MAX_KEY_BYTES} bytes of UTF-8, characters SQS
   * accepts in a message body.
   *
   * @throws InvalidJobException naming the field {@code key} and what is wrong
   */
  public static void validateKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidJobException("key", "must not be empty");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < key.length()
          && Character.isLowSurrogate(key.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidJobException(
            "key", "has an unpaired UTF-16 surrogate at index " + i + ", so it is not valid UTF-8");
      }
    }
    String characters = SqsText.problemInJson(key);
    if (characters != null) {
      throw new InvalidJobException("key", "\"" + Json.preview(key) + "\" " + characters);
    }
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_KEY_BYTES) {
      throw new InvalidJobException(
          "key",
          "is "
              + bytes
              + " bytes of UTF-8, more than the limit of "
              + MAX_KEY_BYTES
              + " (starts with \""
              + Json.preview(key)
              + "\")");
    }
  }

  /** The payload goes into the message body, so its strings must be characters SQS accepts. */
  static void validatePayload(JsonNode payload) {
    String problem = SqsText.problemInTree(payload, "payload");
    if (problem != null) {
      throw new InvalidJobException("payload", problem);
    }
  }

  static void validateType(String type) {
    if (type == null || type.isEmpty()) {
      throw new InvalidJobException("type", "must not be empty");
    }
    if (!TYPE_PATTERN.matcher(type).matches()) {
      throw new InvalidJobException(
          "type", "\"" + Json.preview(type) + "\" does not match " + TYPE_PATTERN_TEXT);
    }
  }

  static void validateJobId(String jobId) {
    if (!JOB_ID_PATTERN.matcher(jobId).matches()) {
      throw new InvalidJobException(
          "jobId",
          "\""
              + Json.preview(jobId)
              + "\" must be 1 to "
              + MAX_JOB_ID_LENGTH
              + " characters of ASCII letters, digits and punctuation (the SQS deduplication id"
              + " rules)");
    }
  }
}
