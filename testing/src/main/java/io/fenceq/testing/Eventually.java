package io.fenceq.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits, bounded, until a condition holds: the one way a test of asynchronous work should wait.
 *
 * <pre>{@code
 * Eventually.await("all 20 jobs applied", Duration.ofSeconds(30), () -> applied.size() == 20);
 * }</pre>
 */
public final class Eventually {
  /** The limit of {@link #until}. */
  public static final Duration DEFAULT_LIMIT = Duration.ofMinutes(1);

  /**
   * The first pause between two checks; each later pause is half as long again, up to {@link
   * #MAX_POLL}, so a quick condition is seen quickly and a long wait does not load the machine with
   * checks that scan tables or queues.
   */
  static final Duration FIRST_POLL = Duration.ofMillis(20);

  /** The longest pause between two checks. */
  static final Duration MAX_POLL = Duration.ofMillis(500);

  private Eventually() {}

  /**
   * Returns as soon as {@code condition} is true; checks it after pauses growing from 20 ms to 500
   * ms until {@code limit} has passed, then once more.
   *
   * @param description what the test waits for, as the failure message says it ("all jobs applied")
   * @throws AssertionError naming the description and the limit if the condition never held, with
   *     the condition's last exception (if it threw) as the cause
   * @throws IllegalArgumentException if the limit is not positive
   */
  public static void await(String description, Duration limit, BooleanSupplier condition) {
    await(description, limit, condition, () -> null);
  }

  /**
   * {@link #await(String, Duration, BooleanSupplier)} with the default limit of one minute: long
   * enough for a loaded machine, short enough that a stuck test fails instead of hanging.
   */
  public static void until(String description, BooleanSupplier condition) {
    await(description, DEFAULT_LIMIT, condition, () -> null);
  }

  /**
   * {@link #await(String, Duration, BooleanSupplier)} whose failure message also describes {@code
   * state}, read once when the limit has passed (the progress so far, e.g. "412 of 500 applied").
   */
  public static void await(
      String description, Duration limit, BooleanSupplier condition, Supplier<?> state) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(condition, "condition");
    if (limit == null || limit.isZero() || limit.isNegative()) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    long deadline = System.nanoTime() + limit.toNanos();
    long pauseMillis = FIRST_POLL.toMillis();
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
                    + describe(state)
                    + (last == null ? "" : "; the condition last threw " + last));
        if (last != null) {
          failure.initCause(last);
        }
        throw failure;
      }
      try {
        Thread.sleep(
            Math.min(pauseMillis, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        pauseMillis = Math.min(MAX_POLL.toMillis(), pauseMillis * 3 / 2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + description, e);
      }
    }
  }

  private static String describe(Supplier<?> state) {
    Object described;
    try {
      described = state.get();
    } catch (RuntimeException e) {
      described = "(the state could not be read: " + e + ")";
    }
    return described == null ? "" : "; " + described;
  }
}
