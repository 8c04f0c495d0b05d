package io.fenceq.cron;

import io.fenceq.cron.internal.CronRule;
import io.fenceq.cron.internal.RateRule;
import io.fenceq.cron.internal.TickRule;
import java.time.Instant;
import java.util.Optional;

/**
 * When a scheduled job fires, written as an EventBridge schedule expression so the same text works
 * in {@code template.yaml} and here: {@code rate(5 minutes)} or {@code cron(0 12 * * ? *)}. Times
 * are UTC. Rate ticks are aligned to the Unix epoch rather than to a start time, so every process
 * computes the same ticks.
 */
public final class Schedule {
  private final String expression;
  private final TickRule rule;

  private Schedule(String expression, TickRule rule) {
    this.expression = expression;
    this.rule = rule;
  }

  /**
   * Parses an expression.
   *
   * @throws IllegalArgumentException naming the expression and what is wrong with it
   */
  public static Schedule parse(String expression) {
    if (expression == null) {
      throw new IllegalArgumentException("schedule expression must not be null");
    }
    String e = expression.strip();
    if (e.startsWith("rate(")) {
      return new Schedule(e, RateRule.parse(e));
    }
    if (e.startsWith("cron(") && e.endsWith(")")) {
      return new Schedule(e, CronRule.parse(e, e.substring(5, e.length() - 1)));
    }
    throw new IllegalArgumentException(
        "invalid schedule expression \""
            + expression
            + "\": expected rate(5 minutes) or cron(0 12 * * ? *) form");
  }

  /** The first tick strictly after {@code after}, or empty if the schedule has no more ticks. */
  public Optional<Instant> nextAfter(Instant after) {
    return rule.nextAfter(after);
  }

  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return expression;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule s && s.expression.equals(expression);
  }

  @Override
  public int hashCode() {
    return expression.hashCode();
  }
}
