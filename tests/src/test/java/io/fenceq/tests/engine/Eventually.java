package io.fenceq.tests.engine;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for distributed progress (workers draining a queue) with a bound, so a stuck run fails
 * instead of hanging. It asserts nothing about how long the progress took.
 */
public final class Eventually {
  private static final Duration POLL = Duration.ofMillis(200);

  private Eventually() {}

  /**
   * Polls {@code done} until it is true.
   *
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
      Thread.sleep(POLL.toMillis());
    }
  }
}
