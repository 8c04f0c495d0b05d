package io.fenceq.time;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on a {@link ManualTicker}: tasks run only when the test calls {@link #runDue()}, and
 * only those whose time on the ticker has come. Tests move time and then run what is due, instead
 * of sleeping.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final ManualTicker ticker;
  private final List<Task> tasks = new ArrayList<>();
  private boolean shutdown;

  public ManualScheduler(ManualTicker ticker) {
    this.ticker = ticker;
  }

  /** Runs every task due by the ticker, earliest first; periodic ones are scheduled again. */
  public int runDue() {
    int ran = 0;
    while (true) {
      Task next;
      synchronized (this) {
        long now = ticker.nanos();
        next =
            tasks.stream()
                .filter(t -> !t.cancelled && t.dueNanos - now <= 0)
                .min(Comparator.comparingLong(t -> t.dueNanos - now))
                .orElse(null);
        if (next == null) {
          tasks.removeIf(t -> t.cancelled || t.done);
          return ran;
        }
        if (next.periodNanos == 0) {
          tasks.remove(next);
        }
      }
      next.command.run();
      ran++;
      synchronized (this) {
        if (next.periodNanos == 0) {
          next.done = true;
        } else {
          next.dueNanos = ticker.nanos() + next.periodNanos;
        }
      }
    }
  }

  /**
   * Waits until {@code count} tasks are scheduled and not cancelled, for a task another thread
   * schedules; false if that did not happen within {@code timeout}.
   */
  public synchronized boolean awaitScheduled(int count, long timeout, TimeUnit unit)
      throws InterruptedException {
    long end = System.nanoTime() + unit.toNanos(timeout);
    while (scheduled() < count) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Tasks scheduled and not cancelled. */
  /** How many tasks are waiting, periodic ones included. */
  public synchronized int scheduled() {
    return (int) tasks.stream().filter(t -> !t.cancelled && !t.done).count();
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(delay), 0);
  }

  @Override
  public synchronized ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(initialDelay), unit.toNanos(delay));
  }

  @Override
  public synchronized ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return add(command, unit.toNanos(initialDelay), unit.toNanos(period));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the engine");
  }

  private Task add(Runnable command, long delayNanos, long periodNanos) {
    if (shutdown) {
      throw new RejectedExecutionException("manual scheduler is shut down");
    }
    Task task = new Task(command, ticker.nanos() + delayNanos, periodNanos);
    tasks.add(task);
    notifyAll();
    return task;
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> pending = tasks.stream().map(t -> t.command).toList();
    tasks.clear();
    return pending;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  private final class Task implements ScheduledFuture<Object> {
    final Runnable command;
    final long periodNanos;
    volatile long dueNanos;
    volatile boolean cancelled;
    volatile boolean done;

    Task(Runnable command, long dueNanos, long periodNanos) {
      this.command = command;
      this.dueNanos = dueNanos;
      this.periodNanos = periodNanos;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - ticker.nanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean was = !cancelled && !done;
      cancelled = true;
      return was;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return cancelled || done;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("not used by the engine");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("not used by the engine");
    }
  }
}
