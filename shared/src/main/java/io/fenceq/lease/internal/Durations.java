package io.fenceq.lease.internal;

import java.math.BigDecimal;
import java.time.Duration;

/** Short, exact renderings of durations for messages and logs: {@code 30s}, {@code 1.5s}. */
public final class Durations {
  private Durations() {}

  /** {@code 250ms}, {@code 30s}, {@code 1.5s}, {@code 2.000001s}; never rounds. */
  public static String format(Duration d) {
    if (d == null) {
      return "null";
    }
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (d.getNano() % 1_000_000 != 0 && d.getSeconds() == 0) {
      return d.toNanos() + "ns";
    }
    if (d.getSeconds() == 0) {
      return d.toMillis() + "ms";
    }
    BigDecimal seconds = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
    return seconds.stripTrailingZeros().toPlainString() + "s";
  }

  /** The same as {@link #format(Duration)} for a nanosecond count. */
  public static String formatNanos(long nanos) {
    return format(Duration.ofNanos(nanos));
  }
}
