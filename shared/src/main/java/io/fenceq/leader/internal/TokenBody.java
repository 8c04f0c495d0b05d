package io.fenceq.leader.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a leader token message: {@code fenceq-leader-token v1 name=<name>
 * generation=<generation>}. The name repeats the message group so an operator reading the queue
 * sees whose token it is.
 */
public final class TokenBody {
  private static final Pattern FORMAT =
      Pattern.compile(
          "fenceq-leader-token v1 name=([A-Za-z0-9._-]{1,64}) generation=([0-9]{1,19})");

  private TokenBody() {}

  public static String format(String name, long generation) {
    return "fenceq-leader-token v1 name=" + name + " generation=" + generation;
  }

  /** The generation in {@code body}, or empty if it is not a token of {@code name}. */
  public static Optional<Long> generation(String body, String name) {
    if (body == null) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(body.strip());
    if (!m.matches() || !m.group(1).equals(name)) {
      return Optional.empty();
    }
    try {
      long generation = Long.parseLong(m.group(2));
      return generation >= 1 && generation <= TokenFence.MAX_GENERATION
          ? Optional.of(generation)
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The deduplication id of the token of {@code generation}: every process that sends that
   * generation sends the same id, so SQS keeps one message within its five-minute window.
   */
  public static String deduplicationId(String name, long generation) {
    return "fenceq-leader-" + name + "-g" + generation;
  }
}
