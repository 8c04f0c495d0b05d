package io.fenceq.local.demo;

import io.fenceq.local.demo.FaultPoints.Point;
import io.fenceq.testing.faults.FaultProxy;
import java.time.Duration;
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
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When and whom a run's faults strike, applied through its {@link WorkerFleet}. Every moment is a
 * point in the run's progress (jobs applied so far), drawn from the seed, so a run injects its
 * faults at the same stage whatever the machine's speed, with in-process workers or worker JVMs.
 *
 * <ul>
 *   <li>crash: the chosen worker's next write lands, then the fleet kills it before the job is
 *       deleted (in-process its clients fail every call from then on; a JVM gets SIGKILL): nothing
 *       is released, and a new worker takes its place.
 *   <li>pause: the chosen worker is frozen just before its next write, with the lane's fence in
 *       hand (in-process all its SDK calls, heartbeats included, and handler entries wait; a JVM
 *       gets SIGSTOP), for at least twice the lease and until another worker has applied the job it
 *       held (at most {@link #MAX_PAUSE_LEASES} leases), then goes on with its write.
 *   <li>partition: the chosen worker's traffic to SQS and DynamoDB, through its own TCP fault
 *       proxies, is dropped (the first window, and every other) or delayed by {@link
 *       #PARTITION_DELAY} for twice the lease, then healed.
 *   <li>skew and throttle: injected by the fleet into each worker's clock and clients; throttling
 *       ends at {@link #THROTTLE_UNTIL} of the jobs.
 * </ul>
 *
 * <p>Which worker a crash or pause arms: one drawn from the seed, or every live one when the fleet
 * {@link WorkerFleet#armsEveryWorker() asks for it}; the first to reach the point is struck and the
 * others are disarmed.
 */
final class FaultPlan implements WorkerFleet.Arrivals, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FaultPlan.class);

  /** Crashes, pauses and partitions per run. */
  static final int EVENTS_PER_FAULT = 2;

  /** The window of the run, as fractions of the jobs applied, where events strike. */
  static final double FIRST = 0.1;

  static final double LAST = 0.6;

  static final Duration MAX_SKEW = Duration.ofSeconds(30);
  static final double THROTTLE_RATE = 0.1;
  static final double THROTTLE_UNTIL = 0.7;

  static final Duration PARTITION_DELAY = Duration.ofMillis(200);

  /** Longest a pause waits, in leases, for another worker to apply the job it holds. */
  static final int MAX_PAUSE_LEASES = 10;

  /** How often a pause checks whether its job was taken over. */
  private static final long RESUME_CHECK_MILLIS = 200;

  private final DemoOptions options;
  private final WorkerFleet fleet;
  private final Random random;
  private final List<Event> events = new ArrayList<>();
  private final Map<Fault, AtomicLong> struck = new EnumMap<>(Fault.class);

  /** Armed workers, by the number of the event they are armed for. */
  private final Map<String, Integer> armed = new HashMap<>();

  /** Events that struck: a later arrival for one of them is let go. */
  private final Set<Integer> eventsStruck = new HashSet<>();

  private final Set<String> frozen = new HashSet<>();
  private final Set<String> killed = new HashSet<>();
  private int eventNumber;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("fenceq-demo-faults").daemon(true).unstarted(r));
  private volatile boolean throttling;
  private volatile long lastFaultEndedNanos;
  private volatile long appliedWhenLastEnded;

  /** One crash, pause or partition, due when {@code at} jobs have been applied. */
  record Event(Fault fault, long at) {}

  /**
   * The run's crashes, pauses and partitions, {@link #EVENTS_PER_FAULT} of each kind asked for, at
   * points drawn from {@code random} between {@link #FIRST} and {@link #LAST} of the jobs, earliest
   * first.
   */
  static List<Event> schedule(DemoOptions options, Random random) {
    List<Event> events = new ArrayList<>();
    for (Fault f : List.of(Fault.CRASH, Fault.PAUSE, Fault.PARTITION)) {
      if (options.faults().contains(f)) {
        for (int i = 0; i < EVENTS_PER_FAULT; i++) {
          double at = FIRST + random.nextDouble() * (LAST - FIRST);
          events.add(new Event(f, (long) (at * options.jobs())));
        }
      }
    }
    events.sort((a, b) -> Long.compare(a.at(), b.at()));
    return events;
  }

  FaultPlan(DemoOptions options, WorkerFleet fleet) {
    this.options = options;
    this.fleet = fleet;
    this.random = new Random(options.seed() * 31 + 7);
    for (Fault f : List.of(Fault.CRASH, Fault.PAUSE, Fault.PARTITION)) {
      struck.put(f, new AtomicLong());
    }
    events.addAll(schedule(options, random));
    throttling = options.faults().contains(Fault.THROTTLE);
  }

  /** Fires the events whose moment has come, and ends throttling once its time is past. */
  synchronized void tick(long applied) {
    if (closed.get()) {
      return;
    }
    while (!events.isEmpty() && events.getFirst().at() <= applied) {
      List<String> candidates =
          fleet.live().stream()
              .filter(w -> !armed.containsKey(w) && !frozen.contains(w) && !killed.contains(w))
              .toList();
      if (candidates.isEmpty()) {
        return;
      }
      Event e = events.removeFirst();
      int number = ++eventNumber;
      switch (e.fault()) {
        case CRASH -> arm(candidates, Point.CRASH, number);
        case PAUSE -> arm(candidates, Point.PAUSE, number);
        case PARTITION -> partition(candidates.get(random.nextInt(candidates.size())));
        default -> throw new IllegalStateException("not an event: " + e.fault());
      }
    }
    if (throttling && applied >= THROTTLE_UNTIL * options.jobs()) {
      throttling = false;
      fleet.endThrottling();
      ended();
    }
  }

  private void arm(List<String> candidates, Point point, int event) {
    List<String> chosen =
        fleet.armsEveryWorker()
            ? candidates
            : List.of(candidates.get(random.nextInt(candidates.size())));
    for (String worker : chosen) {
      armed.put(worker, event);
      fleet.arm(worker, point);
      log.info("event=demo_fault_armed worker={} point={} fault={}", worker, point, event);
    }
  }

  /**
   * Strikes the first armed worker of an event to reach its point, and takes the arming back from
   * the event's other workers.
   */
  @Override
  public boolean arrived(String worker, Point point, BooleanSupplier takenOver) {
    synchronized (this) {
      if (closed.get()) {
        return false;
      }
      Integer event = armed.remove(worker);
      if (event == null || !eventsStruck.add(event)) {
        log.info("event=demo_fault_let_go worker={} point={}", worker, point);
        return false;
      }
      disarmOthers(event);
      if (point == Point.CRASH) {
        killed.add(worker);
      } else {
        frozen.add(worker);
      }
    }
    if (point == Point.CRASH) {
      crash(worker);
    } else {
      pause(worker, takenOver);
    }
    return true;
  }

  private void disarmOthers(int event) {
    List<String> others =
        armed.entrySet().stream()
            .filter(a -> a.getValue() == event)
            .map(Map.Entry::getKey)
            .toList();
    for (String other : others) {
      if (fleet.disarm(other)) {
        armed.remove(other);
      }
    }
  }

  /** At the worker's crash point: it dies before deleting its job and is replaced. */
  private void crash(String worker) {
    fleet.kill(worker);
    struck.get(Fault.CRASH).incrementAndGet();
    log.info("event=demo_worker_killed worker={}", worker);
    // Replaced from another thread: in-process, this one is the dead worker's own.
    scheduler.execute(
        () -> {
          if (!closed.get()) {
            fleet.replace(worker);
          }
          ended();
        });
  }

  /** At the worker's pause point, fence in hand: frozen until its time is up. */
  private void pause(String worker, BooleanSupplier takenOver) {
    fleet.freeze(worker);
    active.incrementAndGet();
    struck.get(Fault.PAUSE).incrementAndGet();
    log.info("event=demo_worker_stopped worker={}", worker);
    long begun = System.nanoTime();
    long minimum = options.lease().multipliedBy(2).toNanos();
    long maximum = options.lease().multipliedBy(MAX_PAUSE_LEASES).toNanos();
    Runnable check =
        new Runnable() {
          @Override
          public void run() {
            long paused = System.nanoTime() - begun;
            if (closed.get()
                || paused >= maximum
                || (paused >= minimum && takenOver.getAsBoolean())) {
              thaw(worker);
            } else {
              scheduler.schedule(this, RESUME_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            }
          }
        };
    scheduler.schedule(check, minimum, TimeUnit.NANOSECONDS);
  }

  private void thaw(String worker) {
    synchronized (this) {
      if (!frozen.remove(worker)) {
        return;
      }
    }
    fleet.thaw(worker);
    log.info("event=demo_worker_continued worker={}", worker);
    active.decrementAndGet();
    ended();
  }

  /** Cuts off or slows down the worker's network for twice the lease, then heals it. */
  private void partition(String worker) {
    boolean drop = struck.get(Fault.PARTITION).getAndIncrement() % 2 == 0;
    List<FaultProxy> proxies = fleet.proxies(worker);
    for (FaultProxy proxy : proxies) {
      if (drop) {
        proxy.drop(true);
      } else {
        proxy.delay(PARTITION_DELAY);
      }
    }
    active.incrementAndGet();
    scheduler.schedule(
        () -> {
          proxies.forEach(FaultProxy::heal);
          active.decrementAndGet();
          ended();
        },
        options.lease().multipliedBy(2).toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void ended() {
    lastFaultEndedNanos = System.nanoTime();
    appliedWhenLastEnded = fleet.applied();
  }

  /**
   * Gives up the faults that can no longer strike once every job is applied: no job will reach an
   * armed point, and events planned for later progress never come. Without this the run would wait
   * for them until its timeout.
   */
  synchronized void abandonUnreachable() {
    if (armed.isEmpty() && events.isEmpty()) {
      return;
    }
    log.info(
        "event=demo_faults_abandoned armed={} planned={} reason=\"every job is applied\"",
        armed.keySet(),
        events.size());
    armed.keySet().forEach(fleet::disarm);
    armed.clear();
    events.clear();
  }

  /** Whether no fault is in progress now and none is still to come. */
  synchronized boolean quiet() {
    return events.isEmpty() && armed.isEmpty() && active.get() == 0 && !throttling;
  }

  /** Faults injected so far, by kind; only the kinds asked for. */
  Map<Fault, Long> counts() {
    Map<Fault, Long> counts = new EnumMap<>(Fault.class);
    for (Fault f : options.faults()) {
      AtomicLong n = struck.get(f);
      counts.put(f, n != null ? n.get() : fleet.injected(f));
    }
    return counts;
  }

  /** When the last fault ended (System.nanoTime), 0 if none did. */
  long lastFaultEndedNanos() {
    return lastFaultEndedNanos;
  }

  /** Jobs applied when the last fault ended. */
  long appliedWhenLastEnded() {
    return appliedWhenLastEnded;
  }

  /**
   * Ends every fault in progress: frozen workers go on, cut-off ones are healed, throttling ends,
   * nothing more is armed. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    fleet.endThrottling();
    List<String> stillFrozen;
    synchronized (this) {
      stillFrozen = List.copyOf(frozen);
      frozen.clear();
      armed.keySet().forEach(fleet::disarm);
      armed.clear();
    }
    stillFrozen.forEach(fleet::thaw);
    fleet.live().forEach(w -> fleet.proxies(w).forEach(FaultProxy::heal));
  }
}
