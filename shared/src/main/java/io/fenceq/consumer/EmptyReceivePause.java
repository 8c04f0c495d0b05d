package io.fenceq.consumer;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The pause of a short-polling receive loop (receive wait 0) after an empty receive: until one of
 * the loop's own batches settles, or a backoff passes that doubles with each empty receive in a
 * row. Without a pause such a loop sends receives back to back, each a billed request. A settled
 * batch ends the pause early because deleting a FIFO lane-batch frees its message group, whose next
 * messages are then the likeliest to be handed out.
 *
 * <p>Short polling is for the embedded ElasticMQ, where a long poll that waits makes the queue
 * re-examine its messages on every send and visibility change; on SQS, long polling is cheaper.
 *
 * <p>One instance per receive loop; {@link #settled()} may be called from any thread.
 */
public final class EmptyReceivePause {
  /** The first pause after an empty receive. */
  public static final Duration FIRST = Duration.ofMillis(10);

  /** The longest pause, reached after six empty receives in a row. */
  public static final Duration MAX = Duration.ofMillis(500);

  /** A stop does not signal a pause: it is looked for this often. */
  private static final long STOP_RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Duration first;
  private final Duration max;
  private long settled;
  private Duration next;

  /** Pauses from {@link #FIRST} up to {@link #MAX}. */
  public EmptyReceivePause() {
    this(FIRST, MAX);
  }

  /**
   * @param first the first pause after an empty receive
   * @param max the longest pause
   * @throws IllegalArgumentException if {@code first} is not positive or {@code max} is below it
   */
  public EmptyReceivePause(Duration first, Duration max) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(max, "max");
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "empty receive pause: first must be positive and max at least first, got first="
              + first
              + " max="
              + max);
    }
    this.first = first;
    this.max = max;
    this.next = first;
  }

  /**
   * A mark to take just before a receive; {@link #pause} ends early once a batch settles after it.
   */
  public synchronized long mark() {
    return settled;
  }

  /** One of the loop's batches settled: a pause under way ends. */
  public synchronized void settled() {
    settled++;
    notifyAll();
  }

  /** How long the next pause lasts unless a batch settles or the loop stops. */
  public synchronized Duration nextPause() {
    return next;
  }

  /** A receive brought messages: the next pause starts from the first again. */
  public synchronized void reset() {
    next = first;
  }

  /**
   * Pauses after an empty receive: until a batch settles after {@code mark}, {@code stopped} turns
   * true, or the current backoff passes, which then doubles up to the longest.
   *
   * @param mark what {@link #mark()} returned just before the empty receive
   * @return true if the pause ended because the loop is stopping
   * @throws InterruptedException if interrupted while pausing
   */
  public synchronized boolean pause(long mark, BooleanSupplier stopped)
      throws InterruptedException {
    long deadline = System.nanoTime() + next.toNanos();
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    while (settled == mark && !stopped.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, STOP_RECHECK_NANOS));
    }
    return stopped.getAsBoolean();
  }
}
