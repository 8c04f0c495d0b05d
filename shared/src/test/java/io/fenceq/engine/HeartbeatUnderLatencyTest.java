package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.internal.Heartbeat;
import io.fenceq.lease.AcquireResult;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.ReleaseResult;
import io.fenceq.lease.RenewResult;
import io.fenceq.lease.SequenceSpan;
import io.fenceq.testing.InMemoryLeases;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * 1,000 lanes in flight while every renewal and visibility extension takes 500 ms: with the
 * heartbeat's pool sized for the lanes, every lease is renewed before it runs out. Time is manual:
 * a call blocks its heartbeat thread until the test has moved the ticker 500 ms on, and the test
 * moves it only once every thread is idle or blocked in such a call, so the outcome does not depend
 * on how fast the machine is.
 */
class HeartbeatUnderLatencyTest {
  private static final int LANES = 1_000;
  private static final Duration LATENCY = Duration.ofMillis(500);
  private static final Duration STEP = Duration.ofMillis(100);
  private static final Duration RUN = Duration.ofSeconds(90);

  @Test
  void athousandLanesKeepTheirLeasesWhenEveryCallTakes500Ms() throws Exception {
    int threads = Heartbeat.threadsFor(LANES);
    assertThat(threads).isEqualTo(125);

    assertThat(leasesLostWith(threads)).isZero();
  }

  /**
   * Runs {@link #LANES} long jobs for {@link #RUN} on {@code threads} heartbeat threads.
   *
   * @return the lanes whose lease ran out locally at some point, or whose heartbeat lost them
   */
  private int leasesLostWith(int threads) throws Exception {
    EngineFixture world = new EngineFixture(1_024);
    Simulation sim = new Simulation(world, threads);
    SlowLeases leases = new SlowLeases(world.leases, sim);
    SlowQueue queue = new SlowQueue(world.actions, sim);
    CountDownLatch started = new CountDownLatch(LANES);
    CountDownLatch proceed = new CountDownLatch(1);
    JobHandler longJob =
        (job, context) -> {
          started.countDown();
          assertThat(proceed.await(60, TimeUnit.SECONDS)).isTrue();
        };
    List<Message> batch = new ArrayList<>();
    for (String key : world.keysInDistinctLanes(LANES)) {
      batch.add(world.job(key, "reserve"));
    }
    ExecutorService lanes = Executors.newVirtualThreadPerTaskExecutor();
    try {
      LaneProcessor processor =
          LaneProcessor.builder()
              .config(world.config().maxLanesInFlight(LANES).ring(world.ring).build())
              .leases(leases)
              .handlers(JobHandlers.builder().on("reserve", longJob).build())
              .queueActions(queue)
              .metrics(world.metrics)
              .ticker(world.ticker)
              .clock(world.clock)
              .executor(lanes)
              .scheduler(sim)
              .build();
      processor.submit(batch);
      assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

      for (Duration t = Duration.ZERO; t.compareTo(RUN) < 0; t = t.plus(STEP)) {
        sim.advance(STEP);
      }
      Set<String> lost = leases.lost();
      assertThat(world.leaseWrites(InMemoryLeases.Write.RENEW))
          .as("renewals made")
          .isGreaterThan(0);
      int failed = (int) world.metrics.total(EngineMetrics.HEARTBEAT_FAILURES);
      return Math.max(lost.size(), failed);
    } finally {
      sim.stop();
      proceed.countDown();
      lanes.shutdown();
      assertThat(lanes.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * Manual time, the calls blocked on it, and a heartbeat pool of a fixed number of real threads
   * that run the tasks whose time on the ticker has come.
   */
  private static final class Simulation extends AbstractExecutorService
      implements ScheduledExecutorService {
    private final EngineFixture world;
    private final Deque<Runnable> ready = new ArrayDeque<>();
    private final List<Timed> timers = new ArrayList<>();
    private final List<long[]> waiters = new ArrayList<>(); // {until, released}
    private final List<Thread> workers = new ArrayList<>();
    private int busy;
    private int blocked;
    private boolean stopped;

    Simulation(EngineFixture world, int threads) {
      this.world = world;
      for (int i = 0; i < threads; i++) {
        Thread t = new Thread(this::work, "test-heartbeat-" + i);
        t.setDaemon(true);
        workers.add(t);
        t.start();
      }
    }

    /** Blocks the calling thread until the test has moved the ticker {@code latency} on. */
    void call(Duration latency) {
      synchronized (this) {
        if (stopped) {
          return;
        }
        long[] w = {world.ticker.nanos() + latency.toNanos(), 0};
        waiters.add(w);
        blocked++;
        notifyAll();
        while (w[1] == 0) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }

    /** Moves time on, starts what is due, and waits until every thread is idle or blocked. */
    void advance(Duration by) throws InterruptedException {
      synchronized (this) {
        world.ticker.advance(by);
        world.clock.advance(by);
        long now = world.ticker.nanos();
        timers.sort((a, b) -> Long.compare(a.due, b.due));
        for (var it = timers.iterator(); it.hasNext(); ) {
          Timed t = it.next();
          if (t.due - now <= 0) {
            it.remove();
            if (!t.cancelled) {
              ready.add(t::run);
            }
          }
        }
        for (var it = waiters.iterator(); it.hasNext(); ) {
          long[] w = it.next();
          if (w[0] - now <= 0) {
            w[1] = 1;
            blocked--;
            it.remove();
          }
        }
        notifyAll();
        // Settled: every running task is blocked on time, and nothing ready has a thread to take
        // it.
        while (!(busy == blocked && (ready.isEmpty() || busy == workers.size()))) {
          wait();
        }
      }
    }

    synchronized void stop() {
      stopped = true;
      for (long[] w : waiters) {
        w[1] = 1;
      }
      waiters.clear();
      notifyAll();
    }

    private void work() {
      while (true) {
        Runnable task;
        synchronized (this) {
          while (ready.isEmpty() && !stopped) {
            try {
              wait();
            } catch (InterruptedException e) {
              return;
            }
          }
          if (stopped) {
            return;
          }
          task = ready.poll();
          busy++;
        }
        try {
          task.run();
        } finally {
          synchronized (this) {
            busy--;
            notifyAll();
          }
        }
      }
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      Timed t = new Timed(command, world.ticker.nanos() + unit.toNanos(delay), 0);
      if (t.due - world.ticker.nanos() <= 0) {
        ready.add(t::run);
        notifyAll();
      } else {
        timers.add(t);
      }
      return t;
    }

    @Override
    public synchronized ScheduledFuture<?> scheduleWithFixedDelay(
        Runnable command, long initialDelay, long delay, TimeUnit unit) {
      Timed t =
          new Timed(
              command, world.ticker.nanos() + unit.toNanos(initialDelay), unit.toNanos(delay));
      timers.add(t);
      return t;
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(
        Runnable command, long initialDelay, long period, TimeUnit unit) {
      return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
      throw new UnsupportedOperationException("not used by the heartbeat");
    }

    @Override
    public void execute(Runnable command) {
      schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void shutdown() {
      stopped = true;
      notifyAll();
    }

    @Override
    public List<Runnable> shutdownNow() {
      shutdown();
      return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
      return stopped;
    }

    @Override
    public synchronized boolean isTerminated() {
      return stopped;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }

    private final class Timed implements ScheduledFuture<Object> {
      final Runnable command;
      final long period;
      volatile long due;
      volatile boolean cancelled;

      Timed(Runnable command, long due, long period) {
        this.command = command;
        this.due = due;
        this.period = period;
      }

      void run() {
        if (cancelled) {
          return;
        }
        command.run();
        if (period > 0) {
          synchronized (Simulation.this) {
            if (!cancelled) {
              due = world.ticker.nanos() + period;
              timers.add(this);
            }
          }
        }
      }

      @Override
      public long getDelay(TimeUnit unit) {
        return unit.convert(due - world.ticker.nanos(), TimeUnit.NANOSECONDS);
      }

      @Override
      public int compareTo(Delayed o) {
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
      }

      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean was = !cancelled;
        cancelled = true;
        return was;
      }

      @Override
      public boolean isCancelled() {
        return cancelled;
      }

      @Override
      public boolean isDone() {
        return cancelled;
      }

      @Override
      public Object get() {
        throw new UnsupportedOperationException("not used by the heartbeat");
      }

      @Override
      public Object get(long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the heartbeat");
      }
    }
  }

  /**
   * The in-memory leases, each renewal answering {@link #LATENCY} after it was written; records the
   * leases that ran out locally before a renewal was sent, and the latest grant of each.
   */
  private static final class SlowLeases implements LaneLeases {
    private final InMemoryLeases leases;
    private final Simulation sim;
    private final Set<String> lapsed = ConcurrentHashMap.newKeySet();
    private final Map<String, Lease> latest = new ConcurrentHashMap<>();

    SlowLeases(InMemoryLeases leases, Simulation sim) {
      this.leases = leases;
      this.sim = sim;
    }

    /** Leases that ran out locally at some point, or have by now. */
    Set<String> lost() {
      Set<String> lost = new HashSet<>(lapsed);
      latest.forEach(
          (id, lease) -> {
            if (!leases.isValid(lease)) {
              lost.add(id);
            }
          });
      return lost;
    }

    @Override
    public LeaseConfig config() {
      return leases.config();
    }

    @Override
    public AcquireResult acquire(String leaseId, String owner) {
      return granted(leaseId, leases.acquire(leaseId, owner));
    }

    @Override
    public AcquireResult acquire(String leaseId, String owner, SequenceSpan batch) {
      return granted(leaseId, leases.acquire(leaseId, owner, batch));
    }

    private AcquireResult granted(String leaseId, AcquireResult result) {
      if (result instanceof Lease l) {
        latest.put(leaseId, l);
      }
      return result;
    }

    @Override
    public RenewResult renew(Lease lease) {
      if (!leases.isValid(lease)) {
        lapsed.add(lease.id());
      }
      RenewResult result = leases.renew(lease);
      if (result instanceof Lease l) {
        latest.merge(
            l.id(), l, (a, b) -> a.localDeadlineNanos() - b.localDeadlineNanos() >= 0 ? a : b);
      }
      sim.call(LATENCY);
      return result;
    }

    @Override
    public ReleaseResult release(Lease lease) {
      return leases.release(lease);
    }

    @Override
    public RenewResult recordFailure(Lease lease, String messageId, String reason) {
      return leases.recordFailure(lease, messageId, reason);
    }

    @Override
    public RenewResult clearFailure(Lease lease) {
      return leases.clearFailure(lease);
    }

    @Override
    public boolean isValid(Lease lease) {
      return leases.isValid(lease);
    }

    @Override
    public Duration remaining(Lease lease) {
      return leases.remaining(lease);
    }
  }

  /** The recording queue, each visibility extension answering {@link #LATENCY} after it. */
  private static final class SlowQueue implements QueueActions {
    private final RecordingQueueActions actions;
    private final Simulation sim;

    SlowQueue(RecordingQueueActions actions, Simulation sim) {
      this.actions = actions;
      this.sim = sim;
    }

    @Override
    public Map<String, String> delete(List<Message> messages) {
      return actions.delete(messages);
    }

    @Override
    public Map<String, String> changeVisibility(List<Message> messages, Duration visibility) {
      Map<String, String> failed = actions.changeVisibility(messages, visibility);
      if (visibility.compareTo(Duration.ZERO) > 0) {
        sim.call(LATENCY);
      }
      return failed;
    }

    @Override
    public void deadLetter(Message message, String reason) {
      actions.deadLetter(message, reason);
    }
  }
}
