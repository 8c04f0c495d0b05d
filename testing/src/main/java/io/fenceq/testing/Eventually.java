package io.fenceq.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Waits, bounded, until a condition holds: the one way a test of asynchronous work should wait.
 *
 * <pre>{@code
 * Eventually.await("all 20 jobs applied", Duration.ofSeconds(30), () -> applied.size() == 20);
 * }</pre>
 */
public final class Eventually {
  /** How long between two checks of the condition. */
  static final Duration POLL = Duration.ofMillis(50);

  private Eventually() {}

  /**
   * Returns as soon as {@code condition} is true; checks it every 50 ms until {@code limit} has
   * passed, then once more.
   *
   * @param description what the test waits for, as the failure message says it ("all jobs applied")
   * @throws AssertionError naming the description and the limit if the condition never held, with
   *     the condition's last exception (if it threw) as the cause
   * @throws IllegalArgumentException if the limit is not positive
   */
  public static void await(String description, Duration limit, BooleanSupplier condition) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(condition, "condition");
    if (limit == null || limit.isZero() || limit.isNegative()) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    long deadline = System.nanoTime() + limit.toNanos();
    RuntimeException last = null;
    while (true) {
      boolean expired = System.nanoTime() - deadline >= 0;
      try {
        if (condition.getAsBoolean()) {
          return;
        }
        last = null;
      } catch (RuntimeException e) {
        last = e; // a condition may read state that is not there yet; the last failure is reported
      }
      if (expired) {
        AssertionError failure =
            new AssertionError(
                "waited "
                    + limit
                    + " until "
                    + description
                    + ", but it never held"
                    + (last == null ? "" : "; the condition last threw " + last));
        if (last != null) {
          failure.initCause(last);
        }
        throw failure;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + description, e);
      }
    }
  }
}
