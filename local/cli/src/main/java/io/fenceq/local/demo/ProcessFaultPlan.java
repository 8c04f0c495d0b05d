package io.fenceq.local.demo;

import io.fenceq.local.demo.FaultPlan.Event;
import io.fenceq.local.demo.FaultPoints.Arrival;
import io.fenceq.local.demo.FaultPoints.Point;
import io.fenceq.local.demo.WorkerProcesses.Member;
import io.fenceq.testing.faults.FaultProxy;
import io.fenceq.testing.faults.ProcessFaults;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults of a {@code --process-workers} run, at the same seeded moments as {@link FaultPlan}'s,
 * struck with real signals:
 *
 * <ul>
 *   <li>crash: every live worker is armed, and the first to reach the point is struck: its job's
 *       write lands, its handler announces it is between the write and the job's delete ({@link
 *       FaultPoints}), and the JVM gets SIGKILL: nothing is released, no shutdown hook runs. A new
 *       JVM takes its place. Arming one worker drawn from the seed would leave the fault to chance
 *       across processes: a worker whose lanes another JVM holds may run no job before the end.
 *   <li>pause: the first armed worker whose job announces it holds the lane's fence and is about to
 *       write gets SIGSTOP (every thread, heartbeats included), and SIGCONT after at least twice
 *       the lease and once another worker has journalled that job (at most {@link
 *       FaultPlan#MAX_PAUSE_LEASES} leases). The resumed handler sends its write with the old
 *       fence.
 *   <li>partition: the worker's proxies in this process drop or delay its traffic for twice the
 *       lease, as in-process. Its SDK clients have no attempt timeout, so its calls hang until the
 *       heal resets their connections, as a real black hole's would until the socket timeout.
 * </ul>
 */
final class ProcessFaultPlan implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessFaultPlan.class);
  private static final long WATCH_MILLIS = 20;

  private final DemoOptions options;
  private final WorkerProcesses workers;
  private final FaultPoints points;
  private final StateReader reader;
  private final ProcessFaults signals = new ProcessFaults();
  private final Random random;
  private final List<Event> events = new ArrayList<>();

  /** Armed workers, by the number of the event they are armed for. */
  private final Map<String, Integer> armed = new HashMap<>();

  /** Events that struck: a later arrival for one of them is let go without a signal. */
  private final Set<Integer> struck = new HashSet<>();

  private int eventNumber;
  private final Map<String, Member> stopped = new HashMap<>();
  private final AtomicLong partitions = new AtomicLong();
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("fenceq-demo-signals").daemon(true).unstarted(r));
  private volatile long lastFaultEndedNanos;
  private volatile long appliedWhenLastEnded;
  private volatile long applied;

  ProcessFaultPlan(
      DemoOptions options, WorkerProcesses workers, FaultPoints points, StateReader reader) {
    this.options = options;
    this.workers = workers;
    this.points = points;
    this.reader = reader;
    // The same draws as FaultPlan's: the same seed strikes at the same moments in both modes.
    this.random = new Random(options.seed() * 31 + 7);
    events.addAll(FaultPlan.schedule(options, random));
    scheduler.scheduleWithFixedDelay(
        this::watchArrivals, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Fires the events whose moment has come: arms every worker not already in a fault, or cuts off
   * one drawn from the seed.
   */
  synchronized void tick(long applied) {
    this.applied = applied;
    if (closed.get()) {
      return;
    }
    while (!events.isEmpty() && events.getFirst().at() <= applied) {
      List<Member> candidates =
          workers.live().stream()
              .filter(m -> !armed.containsKey(m.name()) && !stopped.containsKey(m.name()))
              .toList();
      if (candidates.isEmpty()) {
        return;
      }
      Event e = events.removeFirst();
      int number = ++eventNumber;
      switch (e.fault()) {
        case CRASH -> candidates.forEach(m -> arm(m, Point.CRASH, number));
        case PAUSE -> candidates.forEach(m -> arm(m, Point.PAUSE, number));
        case PARTITION -> partition(candidates.get(random.nextInt(candidates.size())));
        default -> throw new IllegalStateException("not an event: " + e.fault());
      }
    }
  }

  /**
   * Gives up the faults that can no longer strike once every job is applied: no handler will reach
   * an armed point, and events planned for later progress never come. Without this the run would
   * wait for them until its timeout.
   */
  synchronized void abandonUnreachable() {
    if (armed.isEmpty() && events.isEmpty()) {
      return;
    }
    log.info(
        "event=demo_faults_abandoned armed={} planned={} reason=\"every job is applied\"",
        armed.keySet(),
        events.size());
    armed.keySet().forEach(points::disarm);
    armed.clear();
    events.clear();
  }

  private void arm(Member m, Point point, int event) {
    armed.put(m.name(), event);
    points.arm(m.name(), point);
    log.info(
        "event=demo_fault_armed worker={} pid={} point={} fault={}",
        m.name(),
        m.jvm().pid(),
        point,
        event);
  }

  /**
   * On the scheduler: signals the first armed worker of each event that has reached its point, and
   * takes the arming back from the event's other workers.
   */
  private void watchArrivals() {
    try {
      List<String> names;
      synchronized (this) {
        names = List.copyOf(armed.keySet());
      }
      for (String name : names) {
        Member m = workers.member(name).orElse(null);
        Arrival at = points.arrival(name).orElse(null);
        if (m == null || at == null || closed.get()) {
          continue;
        }
        boolean first;
        synchronized (this) {
          Integer event = armed.remove(name);
          if (event == null) {
            continue;
          }
          first = struck.add(event);
          if (first) {
            disarmOthers(event);
          }
        }
        if (!first) {
          points.release(name); // a second worker met the point before its arming was taken back
          log.info("event=demo_fault_let_go worker={} sku={} n={}", name, at.sku(), at.n());
        } else if (at.point() == Point.CRASH) {
          crash(m, at);
        } else {
          pause(m, at);
        }
      }
    } catch (RuntimeException e) {
      log.warn("event=demo_fault_watch_failed error=\"{}\"", e.getMessage());
    }
  }

  /**
   * Takes the arming back from the workers armed for {@code event} that have not met it yet; one
   * that already has is let go by {@link #watchArrivals}.
   */
  private void disarmOthers(int event) {
    List<String> others =
        armed.entrySet().stream()
            .filter(a -> a.getValue() == event)
            .map(Map.Entry::getKey)
            .toList();
    for (String other : others) {
      if (points.disarm(other)) {
        armed.remove(other);
      }
    }
  }

  private void crash(Member m, Arrival at) {
    signals.kill9(m.jvm().handle()).join();
    log.info(
        "event=demo_worker_killed worker={} pid={} sku={} n={}",
        m.name(),
        m.jvm().pid(),
        at.sku(),
        at.n());
    points.release(m.name());
    if (!closed.get()) {
      workers.replace(m);
    }
    ended();
  }

  private void pause(Member m, Arrival at) {
    signals.stop(m.jvm().pid());
    points.release(m.name()); // seen by the handler only once continued
    synchronized (this) {
      stopped.put(m.name(), m);
    }
    active.incrementAndGet();
    log.info(
        "event=demo_worker_stopped worker={} pid={} sku={} n={}",
        m.name(),
        m.jvm().pid(),
        at.sku(),
        at.n());
    long begun = System.nanoTime();
    long minimum = options.lease().multipliedBy(2).toNanos();
    long maximum = options.lease().multipliedBy(FaultPlan.MAX_PAUSE_LEASES).toNanos();
    Runnable check =
        new Runnable() {
          @Override
          public void run() {
            long paused = System.nanoTime() - begun;
            boolean due = closed.get() || paused >= maximum || (paused >= minimum && takenOver(at));
            if (due) {
              resume(m);
            } else {
              scheduler.schedule(this, 200, TimeUnit.MILLISECONDS);
            }
          }
        };
    scheduler.schedule(check, minimum, TimeUnit.NANOSECONDS);
  }

  private boolean takenOver(Arrival at) {
    try {
      return reader.journalled(at.sku(), at.n());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void resume(Member m) {
    synchronized (this) {
      if (stopped.remove(m.name()) == null) {
        return;
      }
    }
    if (m.jvm().alive()) {
      signals.cont(m.jvm().pid());
    }
    log.info("event=demo_worker_continued worker={} pid={}", m.name(), m.jvm().pid());
    active.decrementAndGet();
    ended();
  }

  private void partition(Member m) {
    boolean drop = partitions.getAndIncrement() % 2 == 0;
    for (FaultProxy proxy : m.proxies()) {
      if (drop) {
        proxy.drop(true);
      } else {
        proxy.delay(FaultPlan.PARTITION_DELAY);
      }
    }
    active.incrementAndGet();
    scheduler.schedule(
        () -> {
          m.proxies().forEach(FaultProxy::heal);
          active.decrementAndGet();
          ended();
        },
        options.lease().multipliedBy(2).toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void ended() {
    lastFaultEndedNanos = System.nanoTime();
    appliedWhenLastEnded = applied;
  }

  /** Whether no fault is in progress now and none is still to come. */
  synchronized boolean quiet() {
    return events.isEmpty() && armed.isEmpty() && active.get() == 0;
  }

  /** Signals sent and partitions, by the fault asked for. */
  Map<Fault, Long> counts() {
    Map<Fault, Long> counts = new EnumMap<>(Fault.class);
    for (Fault f : options.faults()) {
      counts.put(
          f,
          switch (f) {
            case CRASH -> signals.kills();
            case PAUSE -> signals.stops();
            case PARTITION -> partitions.get();
            default -> 0L;
          });
    }
    return counts;
  }

  long lastFaultEndedNanos() {
    return lastFaultEndedNanos;
  }

  long appliedWhenLastEnded() {
    return appliedWhenLastEnded;
  }

  /**
   * Ends every fault: stopped workers continue, proxies heal, nothing more is armed. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    List<Member> frozen;
    synchronized (this) {
      frozen = List.copyOf(stopped.values());
      armed.keySet().forEach(points::disarm);
      armed.clear();
    }
    frozen.forEach(this::resume);
    workers.live().forEach(m -> m.proxies().forEach(FaultProxy::heal));
  }
}
