package io.fenceq.worker.internal;

/**
 * Bounds the lanes a worker has in flight. A receive loop takes one slot before it polls, so no
 * loop polls without room for at least one lane, and then takes one more for every further lane the
 * receive brought ({@link #overdraw}); each lane's slot comes back when the lane is settled.
 *
 * <p>A receive may bring more lanes than are free: SQS FIFO fills a receive from one message group
 * where it can, so a worker asks for a full batch even with one slot free (see {@link
 * ReceiveSizer}), and now and then the batch spans more lanes. Those lanes wait in the engine for a
 * running lane to finish, and no loop polls again until the count is back above zero. The engine
 * gives back a lane that waited too long for the visibility its messages got at the receive.
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
   * Waits until a slot is free and takes it.
   *
   * @return false once {@link #close()} was called: nothing was taken
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized boolean acquireOne() throws InterruptedException {
    while (free <= 0 && !closed) {
      wait();
    }
    if (closed) {
      return false;
    }
    free--;
    return true;
  }

  /** Takes {@code n} more slots at once, even beyond what is free (the count goes below zero). */
  public synchronized void overdraw(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("cannot overdraw " + n + " lane slots");
    }
    free -= n;
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

  /** Wakes every waiter; from now on {@link #acquireOne} returns false at once. Idempotent. */
  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  /** Slots free now; below zero while lanes wait beyond the capacity. */
  public synchronized int free() {
    return free;
  }

  public int capacity() {
    return capacity;
  }
}
