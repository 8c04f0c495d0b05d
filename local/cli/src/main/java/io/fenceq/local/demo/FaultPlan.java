package io.fenceq.local.demo;

import io.fenceq.aws.AwsClients;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
import io.fenceq.testing.faults.CrashSwitch;
import io.fenceq.testing.faults.FaultProxy;
import io.fenceq.testing.faults.PauseGate;
import io.fenceq.testing.faults.SkewedClock;
import io.fenceq.testing.faults.ThrottleInterceptor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When and where a run's faults strike. Every moment is a point in the run's progress (jobs applied
 * so far), drawn from the seed, so a run injects its faults at the same stage whatever the
 * machine's speed; which worker is hit is drawn from the seed too.
 *
 * <ul>
 *   <li>crash: the chosen worker's next write lands, then its crash switch trips before the job is
 *       deleted: every call it makes fails from then on, nothing is released, and a new worker
 *       takes its place.
 *   <li>pause: the chosen worker freezes (all its SDK calls, heartbeats included, and handler
 *       entries) just before its next write, with the lane's fence in hand, for at least twice the
 *       lease and until another worker has applied the job it held, then goes on with its write.
 *   <li>partition: the chosen worker's traffic to SQS and DynamoDB, through its own TCP fault
 *       proxies, is dropped (the first window, and every other) or delayed by {@link
 *       #PARTITION_DELAY} for twice the lease, then healed.
 *   <li>skew: each worker's clock is off by up to 30 s either way, for the whole run.
 *   <li>throttle: every worker's calls fail with throttling and 5xx answers at {@link
 *       #THROTTLE_RATE} (retried by the SDK), until {@link #THROTTLE_UNTIL} of the jobs.
 * </ul>
 */
final class FaultPlan implements AutoCloseable {
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

  private final DemoOptions options;
  private final DemoRunner runner;
  private final Random random;
  private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);
  private final List<Event> events = new ArrayList<>();
  private final Map<String, WorkerFaults> byWorker =
      Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<ThrottleInterceptor> throttles =
      Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("fenceq-demo-faults").daemon(true).unstarted(r));
  private final AtomicInteger partitions = new AtomicInteger();
  private volatile boolean throttling;
  private volatile long lastFaultEndedNanos;
  private volatile long appliedWhenLastEnded;
  private History history;

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

  FaultPlan(DemoOptions options, DemoRunner runner) {
    this.options = options;
    this.runner = runner;
    this.random = new Random(options.seed() * 31 + 7);
    for (Fault f : options.faults()) {
      counts.put(f, new AtomicLong());
    }
    events.addAll(schedule(options, random));
    throttling = options.faults().contains(Fault.THROTTLE);
  }

  void history(History history) {
    this.history = history;
  }

  /** What one worker gets: its clients' interceptors, its clock and its write hooks. */
  final class WorkerFaults {
    private final String worker;
    private final int number;
    private final CrashSwitch crash;
    private final PauseGate gate;
    private final ThrottleInterceptor throttle;
    private final Clock clock;
    private final List<FaultProxy> proxies = new ArrayList<>();
    private FaultProxy sqsProxy;
    private FaultProxy dynamoDbProxy;
    private final AtomicBoolean crashArmed = new AtomicBoolean();
    private final AtomicBoolean pauseArmed = new AtomicBoolean();
    private volatile DemoWorker demoWorker;

    WorkerFaults(String worker, int number) {
      this.worker = worker;
      this.number = number;
      this.crash = CrashSwitch.named(worker);
      this.gate = PauseGate.named(worker);
      if (options.faults().contains(Fault.THROTTLE)) {
        throttle =
            ThrottleInterceptor.builder()
                .seed(options.seed() * 1_000 + number)
                .rate(throttling ? THROTTLE_RATE : 0)
                .build();
        // Half the workers lose answers to writes that were applied: the ambiguous 5xx.
        throttle.timing(
            number % 2 == 0 ? ThrottleInterceptor.Timing.AFTER : ThrottleInterceptor.Timing.BEFORE);
        throttles.add(throttle);
      } else {
        throttle = null;
      }
      if (options.faults().contains(Fault.SKEW)) {
        SkewedClock skewed =
            SkewedClock.random(Clock.systemUTC(), MAX_SKEW, options.seed() * 1_000 + number);
        clock = skewed;
        if (!skewed.offset().isZero()) {
          counts.get(Fault.SKEW).incrementAndGet();
        }
      } else {
        clock = Clock.systemUTC();
      }
    }

    AwsClients.Options clientOptions(LeaseWatch leases) {
      AwsClients.Options.Builder b = AwsClients.Options.builder();
      if (options.faults().contains(Fault.PARTITION)) {
        // A dropped connection answers nothing: without a limit an attempt would wait for the
        // socket timeout (30 s) instead of failing and being retried.
        b.apiCallAttemptTimeout(options.lease().dividedBy(2));
      }
      if (leases != null) {
        b.interceptor(leases);
      }
      b.interceptor(crash).interceptor(gate);
      if (throttle != null) {
        throttle.addTo(b);
      }
      return b.build();
    }

    AwsClients.Target sqsTarget(AwsClients.Target direct) {
      if (!options.faults().contains(Fault.PARTITION)) {
        return direct;
      }
      sqsProxy = FaultProxy.start(worker + "-sqs", direct.sqsEndpoint());
      proxies.add(sqsProxy);
      return new AwsClients.Target(
          sqsProxy.endpoint(), direct.dynamoDbEndpoint(), direct.region(), direct.credentials());
    }

    AwsClients.Target dynamoDbTarget(AwsClients.Target direct) {
      if (!options.faults().contains(Fault.PARTITION)) {
        return direct;
      }
      dynamoDbProxy = FaultProxy.start(worker + "-dynamodb", direct.dynamoDbEndpoint());
      proxies.add(dynamoDbProxy);
      return new AwsClients.Target(
          direct.sqsEndpoint(), dynamoDbProxy.endpoint(), direct.region(), direct.credentials());
    }

    Clock clock() {
      return clock;
    }

    Reservations.WriteHooks hooks() {
      return new Reservations.WriteHooks() {
        @Override
        public void beforeWrite(String name, Job job) {
          if (pauseArmed.compareAndSet(true, false)) {
            pauseHere(WorkerFaults.this, job);
          }
        }

        @Override
        public void afterWrite(String name, Job job) {
          if (crashArmed.compareAndSet(true, false)) {
            crashHere(WorkerFaults.this);
          }
        }
      };
    }

    Map<String, JobHandler> wrap(Map<String, JobHandler> handlers) {
      Map<String, JobHandler> wrapped = new LinkedHashMap<>();
      handlers.forEach((type, h) -> wrapped.put(type, crash.wrap(gate.wrap(h))));
      return wrapped;
    }

    List<AutoCloseable> closeables() {
      return List.copyOf(proxies);
    }

    void attach(DemoWorker w) {
      this.demoWorker = w;
    }
  }

  WorkerFaults forWorker(String worker, int number) {
    WorkerFaults wf = new WorkerFaults(worker, number);
    byWorker.put(worker, wf);
    return wf;
  }

  /** Fires the events whose moment has come: arms a worker drawn from the seed. */
  synchronized void tick(long applied) {
    if (closed.get()) {
      return;
    }
    while (!events.isEmpty() && events.getFirst().at() <= applied) {
      Event e = events.removeFirst();
      List<WorkerFaults> live = liveWorkers();
      if (live.isEmpty()) {
        events.addFirst(e);
        return;
      }
      WorkerFaults target = live.get(random.nextInt(live.size()));
      switch (e.fault()) {
        case CRASH -> target.crashArmed.set(true);
        case PAUSE -> target.pauseArmed.set(true);
        case PARTITION -> partition(target);
        default -> throw new IllegalStateException("not an event: " + e.fault());
      }
    }
    if (throttling && applied >= THROTTLE_UNTIL * options.jobs()) {
      throttling = false;
      throttles.forEach(t -> t.rate(0));
      ended();
    }
  }

  private List<WorkerFaults> liveWorkers() {
    List<WorkerFaults> live = new ArrayList<>();
    for (DemoWorker w : runner.workers()) {
      WorkerFaults wf = byWorker.get(w.name());
      // An armed worker is not armed again: two events on it would strike once.
      if (wf != null
          && !wf.crash.tripped()
          && !wf.gate.paused()
          && !wf.crashArmed.get()
          && !wf.pauseArmed.get()) {
        live.add(wf);
      }
    }
    return live;
  }

  /** On the job's thread, after its write landed: the worker dies before deleting the job. */
  private void crashHere(WorkerFaults wf) {
    wf.crash.trip();
    counts.get(Fault.CRASH).incrementAndGet();
    DemoWorker dead = wf.demoWorker;
    // Replace it from another thread: this one is the dead worker's own.
    scheduler.execute(
        () -> {
          if (dead != null && !closed.get()) {
            runner.replace(dead);
          }
          ended();
        });
  }

  /**
   * On the job's thread, fence in hand, before its write: freezes the worker; the write then waits
   * in the gate until the resume.
   */
  private void pauseHere(WorkerFaults wf, Job job) {
    wf.gate.pause();
    active.incrementAndGet();
    counts.get(Fault.PAUSE).incrementAndGet();
    long begun = System.nanoTime();
    long minimum = options.lease().multipliedBy(2).toNanos();
    long maximum = options.lease().multipliedBy(MAX_PAUSE_LEASES).toNanos();
    Runnable check =
        new Runnable() {
          @Override
          public void run() {
            long paused = System.nanoTime() - begun;
            boolean takenOver =
                history != null && history.acceptedElsewhere(job.jobId(), wf.worker);
            if (closed.get() || paused >= maximum || (paused >= minimum && takenOver)) {
              wf.gate.resume();
              active.decrementAndGet();
              ended();
            } else {
              scheduler.schedule(this, 200, TimeUnit.MILLISECONDS);
            }
          }
        };
    scheduler.schedule(check, minimum, TimeUnit.NANOSECONDS);
  }

  /** Cuts off or slows down the worker's network for twice the lease, then heals it. */
  private void partition(WorkerFaults wf) {
    boolean drop = partitions.getAndIncrement() % 2 == 0;
    for (FaultProxy proxy : wf.proxies) {
      if (drop) {
        proxy.drop(true);
      } else {
        proxy.delay(PARTITION_DELAY);
      }
    }
    active.incrementAndGet();
    counts.get(Fault.PARTITION).incrementAndGet();
    scheduler.schedule(
        () -> {
          wf.proxies.forEach(FaultProxy::heal);
          active.decrementAndGet();
          ended();
        },
        options.lease().multipliedBy(2).toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void ended() {
    lastFaultEndedNanos = System.nanoTime();
    if (history != null) {
      appliedWhenLastEnded = history.tookEffect();
    }
  }

  /**
   * Gives up the faults that can no longer strike once every job is applied: an armed crash or
   * pause waits for a worker's next job, and events planned for later progress never come. Without
   * this the run would wait for them until its timeout.
   */
  synchronized void abandonUnreachable() {
    events.clear();
    byWorker
        .values()
        .forEach(
            w -> {
              w.crashArmed.set(false);
              w.pauseArmed.set(false);
            });
  }

  /** Whether no fault is in progress now and none is still to come. */
  boolean quiet() {
    synchronized (this) {
      if (!events.isEmpty()) {
        return false;
      }
    }
    return active.get() == 0
        && !throttling
        && byWorker.values().stream().noneMatch(w -> w.crashArmed.get() || w.pauseArmed.get());
  }

  /** Faults injected so far, by kind; only the kinds asked for. */
  Map<Fault, Long> counts() {
    Map<Fault, Long> snapshot = new EnumMap<>(Fault.class);
    counts.forEach((f, n) -> snapshot.put(f, n.get()));
    if (snapshot.containsKey(Fault.THROTTLE)) {
      long injected;
      synchronized (throttles) {
        injected = throttles.stream().mapToLong(ThrottleInterceptor::injected).sum();
      }
      snapshot.put(Fault.THROTTLE, injected);
    }
    return snapshot;
  }

  /** When the last fault ended (System.nanoTime), 0 if none did. */
  long lastFaultEndedNanos() {
    return lastFaultEndedNanos;
  }

  /** Jobs applied when the last fault ended. */
  long appliedWhenLastEnded() {
    return appliedWhenLastEnded;
  }

  /** Ends every fault in progress: paused workers resume, cut-off ones are healed. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    throttles.forEach(t -> t.rate(0));
    for (WorkerFaults wf : byWorker.values()) {
      if (wf.gate.paused()) {
        wf.gate.resume();
      }
      wf.proxies.forEach(FaultProxy::heal);
    }
  }
}
