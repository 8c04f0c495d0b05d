package io.fenceq.queue.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fenceq.queue.InvalidJobException;

/** The one JSON mapper of the queue package, and the error texts built around it. */
public final class Json {
  /** Refuses trailing content, so {@code {} x} is not taken for the payload {@code {}}. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private static final int PREVIEW_CHARS = 40;

  private Json() {}

  /** Parses a payload given as JSON text; refuses anything that is not exactly one JSON value. */
  public static JsonNode parsePayload(String payloadJson) {
    if (payloadJson == null) {
      throw new InvalidJobException("payload", "must not be null");
    }
    try {
      JsonNode node = MAPPER.readTree(payloadJson);
      if (node == null || node.isMissingNode()) {
        throw new InvalidJobException("payload", "is empty; JSON is required (use {} for none)");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new InvalidJobException("payload", "is not valid JSON: " + shortMessage(e));
    }
  }

  /** Converts any serializable value to a JSON tree. */
  public static JsonNode toTree(Object payload) {
    try {
      return MAPPER.valueToTree(payload);
    } catch (IllegalArgumentException e) {
      throw new InvalidJobException("payload", "cannot be written as JSON: " + e.getMessage());
    }
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  /** Jackson's message without the source dump it appends, which may be the whole payload. */
  public static String shortMessage(Exception e) {
    if (e instanceof JsonProcessingException jpe) {
      String location =
          jpe.getLocation() == null
              ? ""
              : " at line "
                  + jpe.getLocation().getLineNr()
                  + ", column "
                  + jpe.getLocation().getColumnNr();
      return jpe.getOriginalMessage() + location;
    }
    return String.valueOf(e.getMessage());
  }

  /** The start of a user string, for error messages that must stay one line. */
  public static String preview(String s) {
    String oneLine = s.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= PREVIEW_CHARS ? oneLine : oneLine.substring(0, PREVIEW_CHARS) + "…";
  }
}
