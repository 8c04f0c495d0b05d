package io.fenceq.local.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a generous bound, so that a stuck test fails instead of hanging; it
 * asserts nothing about how long the condition took.
 */
public final class Eventually {
  /** The bound of {@link #until}. */
  public static final Duration DEADLINE = Duration.ofSeconds(60);

  private static final long POLL_MILLIS = 10;

  private Eventually() {}

  public static void until(String what, BooleanSupplier done) throws InterruptedException {
    await(what, DEADLINE, done, () -> "");
  }

  /**
   * @param state described in the failure message, e.g. the progress so far
   * @throws AssertionError if {@code done} is still false after {@code limit}
   */
  public static void await(
      String what, Duration limit, BooleanSupplier done, Supplier<Object> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "gave up waiting after " + limit.toSeconds() + " s for " + what + "; " + state.get());
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
