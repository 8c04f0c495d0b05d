package io.fenceq.engine.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The shutdown state machine of a processor: {@code RUNNING} admits tasks; {@link #begin()} moves
 * to {@code DRAINING}, where no task is admitted and the running ones finish; the gate is {@code
 * STOPPED} when the last one exits, or when {@link #forceStop} gives up on the rest at the
 * deadline. {@link #stopped()} completes once, with the tasks that were forced.
 *
 * @param <T> the tasks it tracks (lane runs)
 */
public final class ShutdownGate<T> {
  /** Where the gate is. */
  public enum State {
    RUNNING,
    DRAINING,
    STOPPED
  }

  private final Set<T> active = new LinkedHashSet<>();
  private final CompletableFuture<List<T>> stopped = new CompletableFuture<>();
  private State state = State.RUNNING;

  /** Admits {@code task} while running; false once shutdown has begun. */
  public synchronized boolean enter(T task) {
    if (state != State.RUNNING) {
      return false;
    }
    active.add(task);
    return true;
  }

  /** {@code task} has finished; the last one to finish while draining stops the gate. */
  public void exit(T task) {
    boolean last;
    synchronized (this) {
      if (!active.remove(task) || state != State.DRAINING) {
        return;
      }
      last = active.isEmpty();
      if (last) {
        state = State.STOPPED;
      }
    }
    if (last) {
      stopped.complete(List.of());
    }
  }

  /**
   * Stops admitting tasks. Idempotent.
   *
   * @return true for the call that began the shutdown
   */
  public boolean begin() {
    boolean idle;
    synchronized (this) {
      if (state != State.RUNNING) {
        return false;
      }
      idle = active.isEmpty();
      state = idle ? State.STOPPED : State.DRAINING;
    }
    if (idle) {
      stopped.complete(List.of());
    }
    return true;
  }

  /**
   * Gives up on the tasks still active when draining: hands each to {@code settle} (which must
   * leave nothing of it behind), then completes {@link #stopped()} with them. Does nothing unless
   * draining, so a deadline that fires after the last task exited changes nothing.
   */
  public void forceStop(Consumer<T> settle) {
    List<T> forced;
    synchronized (this) {
      if (state != State.DRAINING) {
        return;
      }
      state = State.STOPPED;
      forced = new ArrayList<>(active);
      active.clear();
    }
    try {
      forced.forEach(settle);
    } finally {
      stopped.complete(List.copyOf(forced));
    }
  }

  public synchronized State state() {
    return state;
  }

  /** Whether shutdown has begun: no new task is admitted. */
  public synchronized boolean draining() {
    return state != State.RUNNING;
  }

  /** Tasks admitted and not yet finished. */
  public synchronized int active() {
    return active.size();
  }

  /** Completes when stopped, with the tasks that were forced (empty if all finished in time). */
  public CompletableFuture<List<T>> stopped() {
    // A copy, so that no caller can complete the gate's own future.
    return stopped.copy();
  }
}
