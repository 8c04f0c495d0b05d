package io.fenceq.queue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.fenceq.queue.internal.Json;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

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
  /** {@link Json#MAPPER}'s reader that also refuses an object with the same member twice. */
  private static final ObjectReader STRICT =
      Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

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

  /**
   * Like {@link #read}, and also refuses an object that has a member twice (which {@link #read}
   * resolves by keeping the last), for input where either reading could be what the sender meant.
   *
   * @throws JsonProcessingException as {@link #read} does; {@link #duplicateMember} names a
   *     repeated member
   */
  public static JsonNode readStrict(String json) throws JsonProcessingException {
    return STRICT.readTree(json);
  }

  /**
   * The path of the member that {@code e} found twice, such as {@code jobs[1].key}, if {@code e}
   * was thrown by {@link #readStrict} for a repeated member.
   */
  public static Optional<String> duplicateMember(JsonProcessingException e) {
    if (!(e instanceof StreamReadException sre)
        || !(sre.getProcessor() instanceof JsonParser parser)
        || e.getOriginalMessage() == null
        || !e.getOriginalMessage().startsWith("Duplicate")) {
      return Optional.empty();
    }
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = parser.getParsingContext(); c != null; c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.push("." + memberName(c.getCurrentName()));
      } else if (c.inArray()) {
        parts.push("[" + c.getCurrentIndex() + "]");
      }
    }
    String path = String.join("", parts);
    return Optional.of(path.startsWith(".") ? path.substring(1) : path);
  }

  /**
   * A member name for a field path in an error message: its {@link #preview}, in quotes when it is
   * blank, so that the path never names an empty field.
   */
  public static String memberName(String name) {
    String preview = Json.preview(name);
    return preview.isBlank() ? "\"" + preview + "\"" : preview;
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
