package io.fenceq.cron.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code rate(value unit)} as EventBridge writes it: {@code rate(1 minute)}, {@code rate(5
 * minutes)}, {@code rate(1 hour)}, {@code rate(2 days)}. The unit is singular for 1 and plural
 * otherwise, as EventBridge requires.
 *
 * <p>Ticks are aligned to the Unix epoch (every multiple of the period since 1970-01-01T00:00Z),
 * not to when a process started, so that every leader, whenever it started, computes the same ticks
 * and therefore the same job ids.
 */
public final class RateRule implements TickRule {
  private static final Pattern RATE =
      Pattern.compile("rate\\(\\s*(\\d{1,9})\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");

  private final long periodSeconds;

  private RateRule(long periodSeconds) {
    this.periodSeconds = periodSeconds;
  }

  /**
   * @throws IllegalArgumentException naming the expression and what is wrong with it
   */
  public static RateRule parse(String expression) {
    Matcher m = RATE.matcher(expression.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid rate expression \""
              + expression
              + "\": expected rate(<value> <unit>) with unit minute(s), hour(s) or day(s), e.g."
              + " rate(5 minutes)");
    }
    long value = Long.parseLong(m.group(1));
    String unit = m.group(2);
    if (value < 1) {
      throw new IllegalArgumentException(
          "invalid rate expression \"" + expression + "\": the value must be at least 1");
    }
    boolean plural = unit.endsWith("s");
    if (plural == (value == 1)) {
      throw new IllegalArgumentException(
          "invalid rate expression \""
              + expression
              + "\": use the singular unit for 1 and the plural otherwise, e.g. rate(1 minute),"
              + " rate(5 minutes)");
    }
    long unitSeconds =
        switch (unit) {
          case "minute", "minutes" -> 60;
          case "hour", "hours" -> 3_600;
          default -> 86_400;
        };
    return new RateRule(value * unitSeconds);
  }

  public Duration period() {
    return Duration.ofSeconds(periodSeconds);
  }

  @Override
  public Optional<Instant> nextAfter(Instant after) {
    long k = Math.floorDiv(after.getEpochSecond(), periodSeconds) + 1;
    return Optional.of(Instant.ofEpochSecond(k * periodSeconds));
  }
}
