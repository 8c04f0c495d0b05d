package io.fenceq.local.faults;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a generous deadline, never for a fixed time. */
final class Poll {
  static final Duration DEADLINE = Duration.ofSeconds(60);

  private Poll() {}

  static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
