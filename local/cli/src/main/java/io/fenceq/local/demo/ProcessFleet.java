package io.fenceq.local.demo;

import io.fenceq.local.demo.FaultPoints.Arrival;
import io.fenceq.local.demo.FaultPoints.Point;
import io.fenceq.local.demo.WorkerProcesses.Member;
import io.fenceq.testing.faults.FaultProxy;
import io.fenceq.testing.faults.ProcessFaults;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of a {@code --process-workers} run: {@code fenceq worker} JVMs ({@link
 * WorkerProcesses}), crashed with SIGKILL, paused with SIGSTOP and SIGCONT, cut off through proxies
 * in this process. This process sees none of their handler runs, so progress comes from DynamoDB
 * and SQS alone: the SKUs' journals summed every {@link #COUNT_EVERY}, and the dead-letter queue.
 *
 * <p>A worker's handler tells this process where it is through the {@link FaultPoints} directory:
 * armed, its job announces the point it reached and waits; a watcher thread sees the announcement
 * and reports it to the fault plan, which has it signalled. Its resumed write's outcome comes back
 * the same way: the fenced count is that of the paused workers' resumed writes.
 *
 * <p>Unavailable without the workers' history, reported as {@link DemoResult#UNAVAILABLE}: the
 * latencies, takeovers, redeliveries answered DUPLICATE, and the history's own check that no job
 * had two writes accepted (the journal's check remains).
 */
final class ProcessFleet implements WorkerFleet {
  private static final Logger log = LoggerFactory.getLogger(ProcessFleet.class);

  /** How often the journals are summed for progress and fault moments. */
  private static final Duration COUNT_EVERY = Duration.ofMillis(500);

  /** How often the fault points are looked at. */
  private static final long WATCH_MILLIS = 20;

  private final DemoOptions options;
  private final StateReader reader;
  private final PrintWriter out;
  private final Path directory;
  private final FaultPoints points;
  private final WorkerProcesses workers;
  private final ProcessFaults signals = new ProcessFaults();
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("fenceq-demo-signals").daemon(true).unstarted(r));
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Arrivals arrivals;
  private volatile long applied;
  private volatile long deadLettered;
  private long nextCount;
  private volatile boolean keep;

  ProcessFleet(DemoOptions options, DemoTarget target, StateReader reader, PrintWriter out) {
    this.options = options;
    this.reader = reader;
    this.out = out;
    this.directory = temporaryDirectory();
    this.points = new FaultPoints(directory);
    this.workers = new WorkerProcesses(options, target, points);
  }

  @Override
  public Optional<String> banner() {
    return Optional.of(
        "fenceq demo: "
            + options.workers()
            + " worker processes (fenceq worker, "
            + DemoHandlers.class.getSimpleName()
            + "); their output in "
            + directory);
  }

  @Override
  public int backlog() {
    return backlog(options);
  }

  /**
   * The producer's backlog bound. Progress across processes is counted from DynamoDB every half
   * second, and the workers can apply a whole backlog between two counts: a fault armed at its
   * count would then find no job left to strike on. With faults the backlog stays below half the
   * jobs after the last planned fault, so work keeps coming after every arming.
   */
  static int backlog(DemoOptions options) {
    if (options.faults().isEmpty()) {
      return options.maxBacklog();
    }
    int afterLastFault = (int) (options.jobs() * (1 - FaultPlan.LAST) / 2);
    return Math.min(options.maxBacklog(), Math.max(10, afterLastFault));
  }

  @Override
  public void open(Arrivals arrivals) {
    this.arrivals = arrivals;
    for (int i = 0; i < options.workers(); i++) {
      workers.start();
    }
    watcher.scheduleWithFixedDelay(
        this::watchArrivals, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void count(boolean now) {
    if (now || System.nanoTime() >= nextCount) {
      applied = reader.journalled();
      deadLettered = reader.deadLettersNow();
      nextCount = System.nanoTime() + COUNT_EVERY.toNanos();
    }
  }

  @Override
  public long applied() {
    return applied;
  }

  @Override
  public long deadLettered() {
    return deadLettered;
  }

  @Override
  public String detail() {
    return "dlq " + deadLettered;
  }

  @Override
  public List<String> live() {
    return workers.live().stream().map(Member::name).toList();
  }

  @Override
  public boolean armsEveryWorker() {
    return true;
  }

  @Override
  public void arm(String worker, Point point) {
    points.arm(worker, point);
  }

  @Override
  public boolean disarm(String worker) {
    return points.disarm(worker);
  }

  @Override
  public void kill(String worker) {
    workers
        .member(worker)
        .ifPresent(
            m -> {
              signals.kill9(m.jvm().handle()).join();
              log.info("event=demo_worker_killed worker={} pid={}", worker, m.jvm().pid());
            });
    points.release(worker);
  }

  @Override
  public void replace(String worker) {
    workers.member(worker).ifPresent(workers::replace);
  }

  @Override
  public void freeze(String worker) {
    workers
        .member(worker)
        .ifPresent(
            m -> {
              signals.stop(m.jvm().pid());
              log.info("event=demo_worker_stopped worker={} pid={}", worker, m.jvm().pid());
            });
    points.release(worker); // seen by the handler only once continued
  }

  @Override
  public void thaw(String worker) {
    workers.member(worker).filter(m -> m.jvm().alive()).ifPresent(m -> signals.cont(m.jvm().pid()));
  }

  @Override
  public List<FaultProxy> proxies(String worker) {
    return workers.member(worker).map(Member::proxies).orElse(List.of());
  }

  @Override
  public long injected(Fault fault) {
    return 0; // skew and throttle are refused with worker processes
  }

  @Override
  public void endThrottling() {
    // Never throttled.
  }

  @Override
  public Figures figures() {
    return new Figures(
        DemoResult.UNAVAILABLE,
        DemoResult.UNAVAILABLE,
        DemoResult.UNAVAILABLE,
        points.fencedResumes(),
        DemoResult.UNAVAILABLE);
  }

  @Override
  public void judged(boolean drained, CheckResult check) {
    // The unfenced control is meant to fail: its output explains nothing new.
    keep = !drained || (!check.ok() && options.fencing() == Fencing.ON);
  }

  @Override
  public void stop() {
    watcher.shutdownNow();
    workers.close();
  }

  /** Stops the workers, then keeps their output when it explains a failure, or deletes it. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    stop();
    if (keep) {
      out.println("fenceq demo: the worker processes' output is kept in " + directory);
      out.flush();
    } else {
      deleteTree(directory);
    }
  }

  /** On the watcher: reports each worker waiting at its point; one not struck is let go. */
  private void watchArrivals() {
    try {
      Arrivals to = arrivals;
      for (Member m : workers.live()) {
        Arrival at = points.arrival(m.name()).orElse(null);
        if (at == null || to == null) {
          continue;
        }
        if (!to.arrived(m.name(), at.point(), () -> takenOver(at))) {
          points.release(m.name());
        }
      }
    } catch (RuntimeException e) {
      log.warn("event=demo_fault_watch_failed error=\"{}\"", e.getMessage());
    }
  }

  private boolean takenOver(Arrival at) {
    try {
      return reader.journalled(at.sku(), at.n());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("fenceq-demo-workers-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the worker processes", e);
    }
  }

  private static void deleteTree(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
