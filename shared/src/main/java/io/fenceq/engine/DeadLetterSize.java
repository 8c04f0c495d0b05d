package io.fenceq.engine;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The size of a message as SQS counts it against a queue's {@code MaximumMessageSize}, and the
 * longest reason that keeps a dead-letter copy within it.
 *
 * <p>SQS counts the body's UTF-8 bytes plus, for every message attribute, the bytes of its name,
 * its data type and its value: "All parts of the message attribute, including Name, Type, and
 * Value, are part of the message size restriction (256 KB or 262,144 bytes)" (SQS API reference,
 * {@code MessageAttributeValue}; Amazon SQS Developer Guide, "Amazon SQS message attributes").
 * System attributes such as {@code MessageGroupId} do not count. ElasticMQ does not enforce the
 * limit, so fenceq checks it itself: a refused copy would leave the job on its lane with no reason.
 */
final class DeadLetterSize {
  /**
   * SQS's largest {@code MaximumMessageSize} (1 MiB since August 2025), which the template gives
   * the dead-letter queue.
   */
  static final int SQS_MAX_MESSAGE_BYTES = 1_048_576;

  /** Marks a reason cut to fit; three bytes in UTF-8. */
  static final String TRUNCATED = "…";

  private DeadLetterSize() {}

  /** The bytes SQS counts for this body and these message attributes. */
  static int of(String body, Map<String, MessageAttributeValue> attributes) {
    int size = utf8(body);
    for (Map.Entry<String, MessageAttributeValue> e : attributes.entrySet()) {
      size += utf8(e.getKey()) + attribute(e.getValue());
    }
    return size;
  }

  /** The bytes one attribute's data type and value count; its name is counted by the caller. */
  static int attribute(MessageAttributeValue value) {
    int size = utf8(value.dataType());
    if (value.stringValue() != null) {
      size += utf8(value.stringValue());
    }
    if (value.binaryValue() != null) {
      size += value.binaryValue().asByteArray().length;
    }
    return size;
  }

  /**
   * {@code reason} cut to at most {@code maxBytes} UTF-8 bytes on a character boundary, ending in
   * {@value #TRUNCATED} when cut and there is room for it; empty when not even one character fits
   * (SQS refuses an empty attribute value).
   */
  static Optional<String> fit(String reason, int maxBytes) {
    if (utf8(reason) <= maxBytes) {
      return reason.isEmpty() ? Optional.empty() : Optional.of(reason);
    }
    int marker = utf8(TRUNCATED);
    boolean marked = maxBytes > marker;
    String prefix = prefix(reason, marked ? maxBytes - marker : maxBytes);
    if (prefix.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(marked ? prefix + TRUNCATED : prefix);
  }

  /** The longest prefix of {@code s}, whole code points only, within {@code maxBytes} bytes. */
  private static String prefix(String s, int maxBytes) {
    int bytes = 0;
    int end = 0;
    while (end < s.length()) {
      int cp = s.codePointAt(end);
      int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + n > maxBytes) {
        break;
      }
      bytes += n;
      end += Character.charCount(cp);
    }
    return s.substring(0, end);
  }

  static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
