package io.fenceq.queue.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * SQS's character rules for message bodies and attribute values: {@code #x9 | #xA | #xD | #x20 to
 * #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF}. SQS refuses a message with any other character
 * only when it is sent, which in a batch is after other entries were accepted; checking first keeps
 * such input a refusal of the whole call.
 */
public final class SqsText {
  private SqsText() {}

  /** Whether SQS accepts {@code codePoint} in a message body or attribute value. */
  public static boolean allowed(int codePoint) {
    return codePoint == 0x9
        || codePoint == 0xA
        || codePoint == 0xD
        || (codePoint >= 0x20 && codePoint <= 0xD7FF)
        || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
        || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
  }

  /**
   * Why {@code s} cannot go into a JSON message body, or null if it can. Characters below U+0020
   * are written as {@code \\u} escapes in JSON, so they never reach SQS as such and are accepted.
   */
  public static String problemInJson(String s) {
    return problemInJson(s, "");
  }

  private static String problemInJson(String s, String where) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (cp >= 0x20 && !allowed(cp)) {
        return describe(cp, i, where);
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /** Why {@code s} cannot be sent as it is, or null if it can. */
  public static String problem(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (!allowed(cp)) {
        return describe(cp, i, "");
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /** Why a JSON tree cannot go into a message body (a string or a member name), or null. */
  public static String problemInTree(JsonNode node, String path) {
    if (node.isTextual()) {
      return problemInJson(node.textValue(), " of the string at " + path);
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String problem = problemInTree(node.get(i), path + "[" + i + "]");
        if (problem != null) {
          return problem;
        }
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> member = it.next();
        String nameProblem = problemInJson(member.getKey(), " of a member name in " + path);
        if (nameProblem != null) {
          return nameProblem;
        }
        String problem =
            problemInTree(member.getValue(), path + "." + Json.preview(member.getKey()));
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static String describe(int cp, int index, String where) {
    String kind =
        Character.isSurrogate((char) cp) ? "an unpaired UTF-16 surrogate" : "the character";
    return "has "
        + kind
        + " "
        + String.format(Locale.ROOT, "U+%04X", cp)
        + " at index "
        + index
        + where
        + ", which SQS does not accept in a message (it allows U+0009, U+000A, U+000D,"
        + " U+0020 to U+D7FF, U+E000 to U+FFFD and U+10000 to U+10FFFF)";
  }
}
