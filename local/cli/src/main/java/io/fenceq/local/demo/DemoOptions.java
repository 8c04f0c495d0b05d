package io.fenceq.local.demo;

import io.fenceq.ring.HashRing;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The settings of a demo run; {@link #defaults()} gives the defaults of {@code fenceq demo}.
 *
 * @param jobs reservation jobs to enqueue
 * @param skus SKUs they spread over, Zipf-skewed
 * @param stock initial stock of every SKU
 * @param workers workers running at once
 * @param faults faults to inject
 * @param seed seeds the workload and the faults' moments
 * @param lease lane lease duration; a pause lasts twice this
 * @param fencing {@link Fencing#OFF} only for the control experiment
 * @param maxBacklog jobs enqueued but not yet applied at most: the producer waits above it, so the
 *     latency measures processing, not a queue filled up front
 * @param timeout how long the run may take before it stops and checks whatever state it reached
 * @param processWorkers run each worker as a JVM of its own ({@code fenceq worker}), crashed with
 *     SIGKILL and paused with SIGSTOP; skew and throttling need in-process workers
 * @param consumer which consumer drains the queue; {@link ConsumerHost#LAMBDA} runs in-process
 * @param reshardTo the lane count to reshard the queue to partway through the run, {@link
 *     #NO_RESHARD} for none; with it the producer and every worker follow the ring's epoch
 */
public record DemoOptions(
    int jobs,
    int skus,
    long stock,
    int workers,
    Set<Fault> faults,
    long seed,
    Duration lease,
    Fencing fencing,
    int maxBacklog,
    Duration timeout,
    boolean processWorkers,
    ConsumerHost consumer,
    int reshardTo) {
  /** {@link #reshardTo()} of a run that does not reshard. */
  public static final int NO_RESHARD = 0;

  public static final int DEFAULT_JOBS = 10_000;
  public static final int DEFAULT_SKUS = 200;
  public static final long DEFAULT_STOCK = 100;
  public static final int DEFAULT_WORKERS = 4;
  public static final long DEFAULT_SEED = 42;
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(6);
  public static final int DEFAULT_MAX_BACKLOG = 2_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  public static final int MAX_JOBS = 1_000_000;
  public static final int MAX_SKUS = 100_000;
  public static final int MAX_WORKERS = 32;

  public DemoOptions {
    check("jobs", jobs, 1, MAX_JOBS);
    check("skus", skus, 1, MAX_SKUS);
    check("workers", workers, 1, MAX_WORKERS);
    check("max-backlog", maxBacklog, 10, MAX_JOBS);
    if (stock < 0 || stock > 1_000_000_000L) {
      throw new IllegalArgumentException("--stock must be between 0 and 1000000000, got " + stock);
    }
    if (lease == null || lease.compareTo(Duration.ofSeconds(3)) < 0 || lease.toSeconds() > 300) {
      throw new IllegalArgumentException(
          "--lease-seconds must be between 3 and 300, got "
              + (lease == null ? null : lease.toSeconds()));
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--timeout-seconds must be positive, got " + timeout);
    }
    faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
    if (fencing == null) {
      throw new IllegalArgumentException("fencing must be set");
    }
    if (consumer == null) {
      throw new IllegalArgumentException("--consumer must be set");
    }
    if (reshardTo != NO_RESHARD && (reshardTo < 1 || reshardTo > HashRing.MAX_LANES)) {
      throw new IllegalArgumentException(
          "--reshard-to must be between 1 and " + HashRing.MAX_LANES + ", got " + reshardTo);
    }
    if (processWorkers && consumer == ConsumerHost.LAMBDA) {
      throw new IllegalArgumentException(LAMBDA_IN_PROCESS_ONLY);
    }
    if (processWorkers) {
      for (Fault f : IN_PROCESS_ONLY) {
        if (faults.contains(f)) {
          throw new IllegalArgumentException(
              "--faults "
                  + f.option()
                  + " needs in-process workers: it is injected into a worker's own clock or SDK"
                  + " clients; drop --process-workers or use crash, pause, partition");
        }
      }
    }
  }

  /** The refusal of {@code --consumer lambda --process-workers}, in one line. */
  public static final String LAMBDA_IN_PROCESS_ONLY =
      "--consumer lambda runs the Lambda consumer in-process; drop --process-workers";

  /** Faults injected inside a worker's JVM, which {@code --process-workers} cannot reach. */
  public static final Set<Fault> IN_PROCESS_ONLY = EnumSet.of(Fault.SKEW, Fault.THROTTLE);

  /** Whether the run reshards the queue partway through. */
  public boolean reshards() {
    return reshardTo != NO_RESHARD;
  }

  /**
   * Refuses a reshard to the lane count the queue already has, which the options alone cannot know.
   *
   * @throws IllegalArgumentException naming both counts, in one line
   */
  public void requireReshardOf(int lanes) {
    if (reshards() && reshardTo == lanes) {
      throw new IllegalArgumentException(
          "--reshard-to "
              + reshardTo
              + " is the queue's lane count already; pick another count between 1 and "
              + HashRing.MAX_LANES);
    }
  }

  private static void check(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "--" + option + " must be between " + min + " and " + max + ", got " + value);
    }
  }

  /** The defaults of {@code fenceq demo}, no faults. */
  public static DemoOptions defaults() {
    return new DemoOptions(
        DEFAULT_JOBS,
        DEFAULT_SKUS,
        DEFAULT_STOCK,
        DEFAULT_WORKERS,
        Set.of(),
        DEFAULT_SEED,
        DEFAULT_LEASE,
        Fencing.ON,
        DEFAULT_MAX_BACKLOG,
        DEFAULT_TIMEOUT,
        false,
        ConsumerHost.WORKER,
        NO_RESHARD);
  }

  public DemoOptions withJobs(int jobs) {
    return edit(f -> f.jobs = jobs);
  }

  public DemoOptions withSkus(int skus) {
    return edit(f -> f.skus = skus);
  }

  public DemoOptions withStock(long stock) {
    return edit(f -> f.stock = stock);
  }

  public DemoOptions withWorkers(int workers) {
    return edit(f -> f.workers = workers);
  }

  public DemoOptions withFaults(Set<Fault> faults) {
    return edit(f -> f.faults = faults);
  }

  public DemoOptions withSeed(long seed) {
    return edit(f -> f.seed = seed);
  }

  public DemoOptions withLease(Duration lease) {
    return edit(f -> f.lease = lease);
  }

  public DemoOptions withFencing(Fencing fencing) {
    return edit(f -> f.fencing = fencing);
  }

  public DemoOptions withMaxBacklog(int maxBacklog) {
    return edit(f -> f.maxBacklog = maxBacklog);
  }

  public DemoOptions withTimeout(Duration timeout) {
    return edit(f -> f.timeout = timeout);
  }

  public DemoOptions withProcessWorkers(boolean processWorkers) {
    return edit(f -> f.processWorkers = processWorkers);
  }

  public DemoOptions withConsumer(ConsumerHost consumer) {
    return edit(f -> f.consumer = consumer);
  }

  /** A copy that reshards to {@code reshardTo} lanes, 1 to the ring's maximum. */
  public DemoOptions withReshardTo(int reshardTo) {
    if (reshardTo == NO_RESHARD) {
      throw new IllegalArgumentException(
          "--reshard-to must be between 1 and " + HashRing.MAX_LANES + ", got " + reshardTo);
    }
    return edit(f -> f.reshardTo = reshardTo);
  }

  /** A copy with one setting changed, validated like any other. */
  private DemoOptions edit(Consumer<Fields> change) {
    Fields fields = new Fields(this);
    change.accept(fields);
    return fields.options();
  }

  /** The settings as mutable fields, for {@link #edit}. */
  private static final class Fields {
    private int jobs;
    private int skus;
    private long stock;
    private int workers;
    private Set<Fault> faults;
    private long seed;
    private Duration lease;
    private Fencing fencing;
    private int maxBacklog;
    private Duration timeout;
    private boolean processWorkers;
    private ConsumerHost consumer;
    private int reshardTo;

    Fields(DemoOptions options) {
      jobs = options.jobs;
      skus = options.skus;
      stock = options.stock;
      workers = options.workers;
      faults = options.faults;
      seed = options.seed;
      lease = options.lease;
      fencing = options.fencing;
      maxBacklog = options.maxBacklog;
      timeout = options.timeout;
      processWorkers = options.processWorkers;
      consumer = options.consumer;
      reshardTo = options.reshardTo;
    }

    DemoOptions options() {
      return new DemoOptions(
          jobs,
          skus,
          stock,
          workers,
          faults,
          seed,
          lease,
          fencing,
          maxBacklog,
          timeout,
          processWorkers,
          consumer,
          reshardTo);
    }
  }
}
