package io.fenceq.worker.internal;

/**
 * Bounds the lanes a worker has in flight. A receive loop takes room for a whole batch before it
 * polls (a batch carries at most one lane per message), then gives back what the batch did not use;
 * the lanes' slots come back when their batch is done. So a worker never holds messages it has no
 * room to run: they would sit invisible to every other worker until their visibility ran out.
 */
public final class LaneSlots {
  private final int capacity;
  private int free;
  private boolean closed;

  public LaneSlots(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("lane slots must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.free = capacity;
  }

  /**
   * Waits until at least one slot is free, then takes up to {@code most}.
   *
   * @return the slots taken, 1 to {@code most}; 0 once {@link #close()} was called
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized int acquireUpTo(int most) throws InterruptedException {
    if (most < 1) {
      throw new IllegalArgumentException("must ask for at least 1 lane slot, got " + most);
    }
    while (free == 0 && !closed) {
      wait();
    }
    if (closed) {
      return 0;
    }
    int taken = Math.min(most, free);
    free -= taken;
    return taken;
  }

  /** Gives {@code n} slots back. */
  public synchronized void release(int n) {
    if (n < 0 || free + n > capacity) {
      throw new IllegalStateException(
          "releasing " + n + " lane slots would leave " + (free + n) + " of " + capacity + " free");
    }
    if (n > 0) {
      free += n;
      notifyAll();
    }
  }

  /** Wakes every waiter; from now on {@link #acquireUpTo} returns 0 at once. Idempotent. */
  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  /** Slots free now. */
  public synchronized int free() {
    return free;
  }

  public int capacity() {
    return capacity;
  }
}
