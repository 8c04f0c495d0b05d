package io.fenceq.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fenceq.queue.internal.Json;

/**
 * JSON as fenceq reads and writes it around jobs, for hosts that take jobs or their settings as
 * JSON text (an HTTP enqueue API, a cron table in an environment variable) and must refuse bad
 * input the way {@link JobRequest#ofJson} does: exactly one JSON value, trailing content refused,
 * and errors that stay on one line without echoing the input.
 *
 * <p>Trees are built with Jackson's {@code JsonNodeFactory.instance}; there is no mapper to
 * configure.
 */
public final class JobJson {
  private JobJson() {}

  /**
   * Parses exactly one JSON value; {@code {} x} is refused rather than read as {@code {}}.
   *
   * @return the value, or null or a missing node when the text holds none (blank text)
   * @throws JsonProcessingException when the text is not one JSON value; {@link #errorText} says
   *     why in one line
   */
  public static JsonNode read(String json) throws JsonProcessingException {
    return Json.MAPPER.readTree(json);
  }

  /** Writes a tree as compact JSON. */
  public static String write(JsonNode node) {
    return Json.write(node);
  }

  /**
   * Why {@code e}'s text is not JSON, with the line and column, and without the source dump Jackson
   * appends, which may be the whole input.
   */
  public static String errorText(JsonProcessingException e) {
    return Json.shortMessage(e);
  }

  /**
   * The start of a user string for an error message that must stay one line: control characters
   * become {@code ?}, and more than 40 characters are cut with {@code …}.
   */
  public static String preview(String s) {
    return Json.preview(s);
  }
}
