package io.fenceq.consumer;

import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.OrderScope;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.ring.HashRing;
import java.math.BigDecimal;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a consumer runs, on any host: the {@code FENCEQ_*} contract of the ECS worker and the Lambda
 * consumer in one place. Immutable. It composes the engine's and the leases' own configurations
 * ({@link #engine()}, {@link #lease()}) and adds what only a host needs: the lease table, the
 * handlers' class, where metrics go, and the worker's receive loops and shutdown.
 *
 * <p>{@link #fromEnvironment(Map)} reads the variables below; every builder setting is checked when
 * it is set, and {@link Builder#build()} checks what depends on several (required settings, the
 * dead-letter queue against the work queue). A refusal is a {@link ConsumerConfigException} naming
 * the setting, its variable and the value, in one line. Building does no I/O.
 *
 * <pre>{@code
 * ConsumerConfig config = ConsumerConfig.fromEnvironment(System.getenv());
 * config.engine().queueUrl();     // FENCEQ_QUEUE_URL
 * config.lease().leaseDuration(); // FENCEQ_LEASE_SECONDS
 * config.leaseTable();            // FENCEQ_LEASE_TABLE
 * }</pre>
 */
public final class ConsumerConfig {
  /** The FIFO work queue's URL; required. */
  public static final String QUEUE_URL = "FENCEQ_QUEUE_URL";

  /** The FIFO dead-letter queue's URL; permanent errors go there at once. Optional. */
  public static final String DLQ_URL = "FENCEQ_DLQ_URL";

  /** The lease table; required. */
  public static final String LEASE_TABLE = "FENCEQ_LEASE_TABLE";

  /** Lanes on the ring, the producers' value; default {@value #DEFAULT_LANES}. */
  public static final String LANES = "FENCEQ_LANES";

  /** The worker's receive loops (long polls at once); default {@value #DEFAULT_CONCURRENCY}. */
  public static final String CONCURRENCY = "FENCEQ_CONCURRENCY";

  /** Lanes processed at once by the worker; default {@value #DEFAULT_MAX_LANES_IN_FLIGHT}. */
  public static final String MAX_LANES_IN_FLIGHT = "FENCEQ_MAX_LANES_IN_FLIGHT";

  /**
   * Distinct keys of one lane-batch run at once; default {@value #DEFAULT_KEY_CONCURRENCY}, 1 runs
   * them one after another ({@link EngineConfig#keyConcurrency()}).
   */
  public static final String KEY_CONCURRENCY = "FENCEQ_KEY_CONCURRENCY";

  /**
   * {@code true} to follow the ring's epoch in the lease table, so that the queue can be resharded
   * live ({@code fenceq reshard}); default {@code false}: the consumer runs the ring of {@value
   * #LANES} lanes only. See docs/resharding.md.
   */
  public static final String RING_EPOCHS = "FENCEQ_RING_EPOCHS";

  /**
   * {@code key} (default): a failed job holds back only its own key's later jobs; {@code lane}: it
   * holds back every later job of its lane-batch, which runs one job at a time ({@link
   * io.fenceq.engine.OrderScope}).
   */
  public static final String ORDER_SCOPE = "FENCEQ_ORDER_SCOPE";

  /** The worker's lane lease duration in seconds; default {@value #DEFAULT_LEASE_SECONDS}. */
  public static final String LEASE_SECONDS = "FENCEQ_LEASE_SECONDS";

  /**
   * Failures of a job's handler before the engine dead-letters it; default {@value
   * #DEFAULT_MAX_ATTEMPTS}. The queue's redrive {@code maxReceiveCount} must be above it.
   */
  public static final String MAX_ATTEMPTS = "FENCEQ_MAX_ATTEMPTS";

  /**
   * Seconds one job's handler may run before it is interrupted and the job failed; default {@value
   * #DEFAULT_JOB_TIMEOUT_SECONDS}. A job type may have a shorter limit of its own ({@link
   * io.fenceq.engine.JobHandlers.Builder#on(String, io.fenceq.engine.JobHandler, Duration)}).
   */
  public static final String JOB_TIMEOUT_SECONDS = "FENCEQ_JOB_TIMEOUT_SECONDS";

  /**
   * Handler threads written off (they ignored the interrupt at their job's time limit) before the
   * worker reports itself unhealthy; default {@value #DEFAULT_UNHEALTHY_WRITTEN_OFF_THREADS}.
   */
  public static final String UNHEALTHY_WRITTEN_OFF_THREADS = "FENCEQ_UNHEALTHY_WRITTEN_OFF_THREADS";

  /**
   * A file the worker creates once it has started and deletes when it turns unhealthy, for a
   * container health check ({@code test -f}); default none.
   */
  public static final String HEALTH_FILE = "FENCEQ_HEALTH_FILE";

  /** Seconds a shutdown lets running jobs finish; default {@value #DEFAULT_SHUTDOWN_SECONDS}. */
  public static final String SHUTDOWN_SECONDS = "FENCEQ_SHUTDOWN_SECONDS";

  /**
   * Long-poll wait of each receive, seconds; default {@value #DEFAULT_RECEIVE_WAIT_SECONDS}. 0
   * polls short, with an {@link EmptyReceivePause} after an empty receive.
   */
  public static final String RECEIVE_WAIT_SECONDS = "FENCEQ_RECEIVE_WAIT_SECONDS";

  /**
   * Class name of the {@link HandlerFactory}; required by the hosts that load their handlers by
   * name (the worker's and the Lambda consumer's entry points).
   */
  public static final String HANDLER = "FENCEQ_HANDLER";

  /** Where the engine's metrics go: {@code none} (default) or {@code emf}. */
  public static final String METRICS = "FENCEQ_METRICS";

  /**
   * The S3 bucket of offloaded envelopes ({@link io.fenceq.queue.LargePayloads}); unset: none, and
   * a message pointing to S3 is dead-lettered.
   */
  public static final String PAYLOAD_BUCKET = "FENCEQ_PAYLOAD_BUCKET";

  /** Where a consumer's metrics go. */
  public enum MetricsOutput {
    /** Nowhere. */
    NONE,
    /** CloudWatch Embedded Metric Format lines on standard output. */
    EMF
  }

  public static final int DEFAULT_LANES = 256;
  public static final int MAX_LANES = 10_000;
  public static final int DEFAULT_CONCURRENCY = 2;
  public static final int MAX_CONCURRENCY = 64;
  public static final int DEFAULT_MAX_LANES_IN_FLIGHT = EngineConfig.DEFAULT_MAX_LANES_IN_FLIGHT;
  public static final int MAX_MAX_LANES_IN_FLIGHT = EngineConfig.MAX_LANES_IN_FLIGHT;
  public static final int DEFAULT_KEY_CONCURRENCY = EngineConfig.DEFAULT_KEY_CONCURRENCY;
  public static final int MAX_KEY_CONCURRENCY = EngineConfig.MAX_KEY_CONCURRENCY;
  public static final int DEFAULT_LEASE_SECONDS =
      (int) LeaseConfig.DEFAULT_LEASE_DURATION.toSeconds();
  public static final int MAX_LEASE_SECONDS = (int) LeaseConfig.MAX_LEASE_DURATION.toSeconds();
  public static final int DEFAULT_MAX_ATTEMPTS = EngineConfig.DEFAULT_MAX_ATTEMPTS;
  public static final int MAX_MAX_ATTEMPTS = EngineConfig.MAX_ATTEMPTS;
  public static final int DEFAULT_JOB_TIMEOUT_SECONDS =
      (int) EngineConfig.DEFAULT_JOB_TIME_LIMIT.toSeconds();
  public static final int MAX_JOB_TIMEOUT_SECONDS =
      (int) EngineConfig.MAX_JOB_TIME_LIMIT.toSeconds();
  public static final int DEFAULT_UNHEALTHY_WRITTEN_OFF_THREADS = 1;
  public static final int MAX_UNHEALTHY_WRITTEN_OFF_THREADS = 1000;
  public static final int DEFAULT_SHUTDOWN_SECONDS = 30;
  public static final int MAX_SHUTDOWN_SECONDS = 3600;
  public static final int DEFAULT_RECEIVE_WAIT_SECONDS = 20;

  /** SQS's longest long poll. */
  public static final int MAX_RECEIVE_WAIT_SECONDS = 20;

  /** The example handlers, to name in {@value #HANDLER} for the example stack. */
  public static final String EXAMPLE_HANDLER = "io.fenceq.examples.inventory.InventoryHandlers";

  private static final int MAX_WORKER_ID_LENGTH = 512;

  private final EngineConfig engine;
  private final LeaseConfig lease;
  private final String leaseTable;
  private final int concurrency;
  private final Duration shutdownTimeout;
  private final Duration receiveWait;
  private final String handler;
  private final String payloadBucket;
  private final MetricsOutput metrics;
  private final String workerId;
  private final int unhealthyWrittenOffThreads;
  private final Path healthFile;
  private final boolean ringEpochs;

  private ConsumerConfig(Builder b, EngineConfig engine, LeaseConfig lease) {
    this.engine = engine;
    this.lease = lease;
    this.leaseTable = b.leaseTable;
    this.concurrency = b.concurrency;
    this.shutdownTimeout = b.shutdownTimeout;
    this.receiveWait = b.receiveWait;
    this.handler = b.handler;
    this.payloadBucket = b.payloadBucket;
    this.metrics = b.metrics;
    this.workerId = b.workerId;
    this.unhealthyWrittenOffThreads = b.unhealthyWrittenOffThreads;
    this.healthFile = b.healthFile;
    this.ringEpochs = b.ringEpochs;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the {@code FENCEQ_*} variables of {@code environment} (e.g. {@link System#getenv()}).
   * Unset and blank variables take their defaults; values are stripped.
   *
   * @throws ConsumerConfigException naming the first variable that is missing or invalid, and its
   *     value
   */
  public static ConsumerConfig fromEnvironment(Map<String, String> environment) {
    if (environment == null) {
      throw new ConsumerConfigException("the environment must not be null");
    }
    Function<String, String> get =
        name -> {
          String value = environment.get(name);
          return value == null || value.isBlank() ? null : value.strip();
        };
    Builder b = builder();
    b.queueUrl(get.apply(QUEUE_URL));
    b.deadLetterQueueUrl(get.apply(DLQ_URL));
    b.leaseTable(get.apply(LEASE_TABLE));
    b.lanes(integer(LANES, get.apply(LANES), DEFAULT_LANES));
    b.concurrency(integer(CONCURRENCY, get.apply(CONCURRENCY), DEFAULT_CONCURRENCY));
    b.maxLanesInFlight(
        integer(MAX_LANES_IN_FLIGHT, get.apply(MAX_LANES_IN_FLIGHT), DEFAULT_MAX_LANES_IN_FLIGHT));
    b.maxAttempts(integer(MAX_ATTEMPTS, get.apply(MAX_ATTEMPTS), DEFAULT_MAX_ATTEMPTS));
    b.keyConcurrency(integer(KEY_CONCURRENCY, get.apply(KEY_CONCURRENCY), DEFAULT_KEY_CONCURRENCY));
    b.orderScope(orderScope(get.apply(ORDER_SCOPE)));
    b.leaseDuration(
        Duration.ofSeconds(
            integer(LEASE_SECONDS, get.apply(LEASE_SECONDS), DEFAULT_LEASE_SECONDS)));
    b.jobTimeLimit(
        Duration.ofSeconds(
            integer(
                JOB_TIMEOUT_SECONDS, get.apply(JOB_TIMEOUT_SECONDS), DEFAULT_JOB_TIMEOUT_SECONDS)));
    b.unhealthyWrittenOffThreads(
        integer(
            UNHEALTHY_WRITTEN_OFF_THREADS,
            get.apply(UNHEALTHY_WRITTEN_OFF_THREADS),
            DEFAULT_UNHEALTHY_WRITTEN_OFF_THREADS));
    b.healthFile(healthFile(get.apply(HEALTH_FILE)));
    b.shutdownTimeout(
        Duration.ofSeconds(
            integer(SHUTDOWN_SECONDS, get.apply(SHUTDOWN_SECONDS), DEFAULT_SHUTDOWN_SECONDS)));
    b.receiveWait(
        Duration.ofSeconds(
            integer(
                RECEIVE_WAIT_SECONDS,
                get.apply(RECEIVE_WAIT_SECONDS),
                DEFAULT_RECEIVE_WAIT_SECONDS)));
    b.handler(get.apply(HANDLER));
    b.payloadBucket(get.apply(PAYLOAD_BUCKET));
    b.metrics(metricsOutput(get.apply(METRICS)));
    b.ringEpochs(flag(RING_EPOCHS, get.apply(RING_EPOCHS)));
    return b.build();
  }

  /**
   * The engine's configuration: the work queue ({@value #QUEUE_URL}), the dead-letter queue
   * ({@value #DLQ_URL}), the ring ({@value #LANES}), the lanes in flight ({@value
   * #MAX_LANES_IN_FLIGHT}), the attempts of a job ({@value #MAX_ATTEMPTS}) and how a lane's keys
   * run ({@value #KEY_CONCURRENCY}, {@value #ORDER_SCOPE}), with the engine's own settings
   * (backoff, heartbeat). Its owner is the {@link #workerId()} when one is set; otherwise each host
   * names its own lease owner when it wires the engine ({@link ConsumerEngine.Builder#owner}).
   */
  public EngineConfig engine() {
    return engine;
  }

  /** The lane leases' configuration: {@value #LEASE_SECONDS} sets its duration. */
  public LeaseConfig lease() {
    return lease;
  }

  /** Whether the consumer follows the ring's epoch in the lease table ({@value #RING_EPOCHS}). */
  public boolean ringEpochs() {
    return ringEpochs;
  }

  /** The lease table ({@value #LEASE_TABLE}). */
  public String leaseTable() {
    return leaseTable;
  }

  /** The worker's receive loops ({@value #CONCURRENCY}), each on its own thread. */
  public int concurrency() {
    return concurrency;
  }

  /** How long a worker's shutdown lets running jobs finish ({@value #SHUTDOWN_SECONDS}). */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** Long-poll wait of a worker's receive ({@value #RECEIVE_WAIT_SECONDS}). */
  public Duration receiveWait() {
    return receiveWait;
  }

  /** Class name of the {@link HandlerFactory} ({@value #HANDLER}), if set. */
  public Optional<String> handler() {
    return Optional.ofNullable(handler);
  }

  /** The bucket of offloaded envelopes ({@value #PAYLOAD_BUCKET}), if set. */
  public Optional<String> payloadBucket() {
    return Optional.ofNullable(payloadBucket);
  }

  /** Where the engine's metrics go ({@value #METRICS}). */
  public MetricsOutput metrics() {
    return metrics;
  }

  /**
   * Handler threads written off before a worker reports itself unhealthy ({@value
   * #UNHEALTHY_WRITTEN_OFF_THREADS}). Each such thread ignored the interrupt at its job's time
   * limit and may run for ever; its lane was settled without it and its writes are fenced, but it
   * keeps whatever it holds (a thread, a connection, memory), so the host is better replaced.
   */
  public int unhealthyWrittenOffThreads() {
    return unhealthyWrittenOffThreads;
  }

  /**
   * The file a worker creates once it has started and deletes when it turns unhealthy ({@value
   * #HEALTH_FILE}), for a container health check; empty for none.
   */
  public Optional<Path> healthFile() {
    return Optional.ofNullable(healthFile);
  }

  /**
   * The owner id in lane leases, if one was set. Without one each host makes its own, new for every
   * process incarnation: the worker from its host name and a random suffix, the Lambda consumer a
   * random one per execution environment (and per SnapStart restore).
   */
  public Optional<String> workerId() {
    return Optional.ofNullable(workerId);
  }

  /**
   * The same configuration with other settings changed; without its worker id, so that a
   * configuration built from it names a new lease owner.
   */
  public Builder toBuilder() {
    return new Builder()
        .engine(engine.toBuilder().owner(null).build())
        .lease(lease)
        .leaseTable(leaseTable)
        .concurrency(concurrency)
        .shutdownTimeout(shutdownTimeout)
        .receiveWait(receiveWait)
        .handler(handler)
        .payloadBucket(payloadBucket)
        .metrics(metrics)
        .unhealthyWrittenOffThreads(unhealthyWrittenOffThreads)
        .healthFile(healthFile)
        .ringEpochs(ringEpochs);
  }

  @Override
  public String toString() {
    return "ConsumerConfig[engine="
        + engine
        + ", lease="
        + lease
        + ", leaseTable="
        + leaseTable
        + ", concurrency="
        + concurrency
        + ", shutdownTimeout="
        + shutdownTimeout.toSeconds()
        + "s, receiveWait="
        + receiveWait.toSeconds()
        + "s, handler="
        + handler
        + ", metrics="
        + metrics
        + ", workerId="
        + workerId
        + ", unhealthyWrittenOffThreads="
        + unhealthyWrittenOffThreads
        + ", healthFile="
        + healthFile
        + "]";
  }

  private static int integer(String variable, String value, int defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConsumerConfigException(variable + " must be a whole number, got " + quote(value));
    }
  }

  private static Path healthFile(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConsumerConfigException(
          HEALTH_FILE + " must be a file path, got " + quote(value) + ": " + e.getReason());
    }
  }

  private static OrderScope orderScope(String value) {
    if (value == null) {
      return OrderScope.KEY;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "key" -> OrderScope.KEY;
      case "lane" -> OrderScope.LANE;
      default ->
          throw new ConsumerConfigException(
              ORDER_SCOPE + " (orderScope) must be key or lane, got " + quote(value));
    };
  }

  private static MetricsOutput metricsOutput(String value) {
    if (value == null) {
      return MetricsOutput.NONE;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "none" -> MetricsOutput.NONE;
      case "emf" -> MetricsOutput.EMF;
      default ->
          throw new ConsumerConfigException(METRICS + " must be none or emf, got " + quote(value));
    };
  }

  /**
   * Reads an on/off variable such as {@value #RING_EPOCHS}: {@code true} or {@code false}, exactly
   * and in lower case once stripped; {@code false} when unset or blank. It is public so that every
   * host that reads a {@code FENCEQ_*} flag (the functions and {@code fenceq enqueue} read {@value
   * #RING_EPOCHS} for their producers, the worker its {@code FENCEQ_STATS}) applies this one rule:
   * a producer and a consumer given the same environment cannot disagree on whether a flag is on.
   *
   * @param variable the variable's name, for the message
   * @param value the variable's value, or null when it is not set
   * @throws ConsumerConfigException naming the variable and the value, in one line, when the value
   *     is anything else ({@code yes}, {@code 1}, {@code TRUE})
   */
  public static boolean flag(String variable, String value) {
    String stripped = value == null || value.isBlank() ? null : value.strip();
    if (stripped == null || stripped.equals("false")) {
      return false;
    }
    if (stripped.equals("true")) {
      return true;
    }
    throw new ConsumerConfigException(variable + " must be true or false, got " + quote(stripped));
  }

  /** A value as error messages show it: quoted, or "nothing (not set)". */
  static String quote(String value) {
    return value == null ? "nothing (not set)" : '"' + value + '"';
  }

  /**
   * Builds a {@link ConsumerConfig}. The work queue and the lease table are required; every other
   * setting has a default. Each setter checks its value at once; the engine's and the leases'
   * settings beyond the variables come with {@link #engine(EngineConfig)} and {@link
   * #lease(LeaseConfig)}.
   */
  public static final class Builder {
    private String queueUrl;
    private String deadLetterQueueUrl;
    // Null until set: a ring of 256 lanes sorts half a million points, so the default is built
    // only by a build() that needs it, not by every builder (toBuilder() sets the ring it copies).
    private HashRing ring;
    private int maxLanesInFlight = DEFAULT_MAX_LANES_IN_FLIGHT;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int keyConcurrency = DEFAULT_KEY_CONCURRENCY;
    private OrderScope orderScope = OrderScope.KEY;
    private Duration jobTimeLimit = EngineConfig.DEFAULT_JOB_TIME_LIMIT;
    private EngineConfig engineBase;
    private Duration leaseDuration = Duration.ofSeconds(DEFAULT_LEASE_SECONDS);
    private LeaseConfig leaseBase;
    private String leaseTable;
    private int concurrency = DEFAULT_CONCURRENCY;
    private Duration shutdownTimeout = Duration.ofSeconds(DEFAULT_SHUTDOWN_SECONDS);
    private Duration receiveWait = Duration.ofSeconds(DEFAULT_RECEIVE_WAIT_SECONDS);
    private String handler;
    private String payloadBucket;
    private MetricsOutput metrics = MetricsOutput.NONE;
    private String workerId;
    private int unhealthyWrittenOffThreads = DEFAULT_UNHEALTHY_WRITTEN_OFF_THREADS;
    private Path healthFile;
    private boolean ringEpochs;

    private Builder() {}

    /** {@value #RING_EPOCHS}: default false. */
    public Builder ringEpochs(boolean ringEpochs) {
      this.ringEpochs = ringEpochs;
      return this;
    }

    /**
     * The engine's configuration as a whole: its queues, ring and lanes in flight replace those set
     * so far, and its other settings (backoff, heartbeat, redrive count) are kept. Later calls of
     * the variables' setters change it.
     */
    public Builder engine(EngineConfig engine) {
      if (engine == null) {
        throw new ConsumerConfigException("engine must not be null");
      }
      this.engineBase = engine;
      this.queueUrl = engine.queueUrl();
      this.deadLetterQueueUrl = engine.deadLetterQueueUrl().orElse(null);
      this.ring = engine.ring();
      this.maxLanesInFlight = engine.maxLanesInFlight();
      this.maxAttempts = engine.maxAttempts();
      this.keyConcurrency = engine.keyConcurrency();
      this.orderScope = engine.orderScope();
      this.jobTimeLimit = engine.jobTimeLimit();
      return this;
    }

    /**
     * The leases' configuration as a whole; a later {@link #leaseDuration} makes a new one of that
     * duration with the same expiry mode, its renew interval and jitter derived anew.
     */
    public Builder lease(LeaseConfig lease) {
      if (lease == null) {
        throw new ConsumerConfigException("lease must not be null");
      }
      this.leaseBase = lease;
      this.leaseDuration = lease.leaseDuration();
      return this;
    }

    /** {@value #QUEUE_URL}: a FIFO queue's URL. */
    public Builder queueUrl(String queueUrl) {
      if (queueUrl != null && !queueUrl.endsWith(".fifo")) {
        throw invalid(
            "queueUrl",
            QUEUE_URL,
            queueUrl,
            "must be a FIFO queue's URL (ending in .fifo): lanes are message groups");
      }
      this.queueUrl = queueUrl;
      return this;
    }

    /**
     * {@value #DLQ_URL}: a FIFO queue's URL, or null for none (the default): permanent errors then
     * reach it by the redrive policy.
     */
    public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
      if (deadLetterQueueUrl != null && !deadLetterQueueUrl.endsWith(".fifo")) {
        throw badDeadLetterQueue(deadLetterQueueUrl);
      }
      this.deadLetterQueueUrl = deadLetterQueueUrl;
      return this;
    }

    /** {@value #LEASE_TABLE}. */
    public Builder leaseTable(String leaseTable) {
      if (leaseTable != null && leaseTable.isBlank()) {
        throw invalid("leaseTable", LEASE_TABLE, leaseTable, "is required");
      }
      this.leaseTable = leaseTable;
      return this;
    }

    /** {@value #LANES}: default {@value #DEFAULT_LANES}; 1 to {@value #MAX_LANES}. */
    public Builder lanes(int lanes) {
      range("lanes", LANES, lanes, 1, MAX_LANES);
      this.ring = ring == null ? HashRing.of(lanes) : ring.withLanes(lanes);
      return this;
    }

    /**
     * {@value #CONCURRENCY}: default {@value #DEFAULT_CONCURRENCY}; 1 to {@value #MAX_CONCURRENCY}.
     */
    public Builder concurrency(int concurrency) {
      range("concurrency", CONCURRENCY, concurrency, 1, MAX_CONCURRENCY);
      this.concurrency = concurrency;
      return this;
    }

    /**
     * {@value #MAX_LANES_IN_FLIGHT}: default {@value #DEFAULT_MAX_LANES_IN_FLIGHT}; 1 to {@value
     * #MAX_MAX_LANES_IN_FLIGHT}.
     */
    public Builder maxLanesInFlight(int maxLanesInFlight) {
      range("maxLanesInFlight", MAX_LANES_IN_FLIGHT, maxLanesInFlight, 1, MAX_MAX_LANES_IN_FLIGHT);
      this.maxLanesInFlight = maxLanesInFlight;
      return this;
    }

    /**
     * {@value #MAX_ATTEMPTS}: default {@value #DEFAULT_MAX_ATTEMPTS}; 1 to {@value
     * #MAX_MAX_ATTEMPTS}.
     */
    public Builder maxAttempts(int maxAttempts) {
      range("maxAttempts", MAX_ATTEMPTS, maxAttempts, 1, MAX_MAX_ATTEMPTS);
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * {@value #KEY_CONCURRENCY}: default {@value #DEFAULT_KEY_CONCURRENCY}; 1 to {@value
     * #MAX_KEY_CONCURRENCY}.
     */
    public Builder keyConcurrency(int keyConcurrency) {
      range("keyConcurrency", KEY_CONCURRENCY, keyConcurrency, 1, MAX_KEY_CONCURRENCY);
      this.keyConcurrency = keyConcurrency;
      return this;
    }

    /** {@value #ORDER_SCOPE}: default {@link OrderScope#KEY}. */
    public Builder orderScope(OrderScope orderScope) {
      if (orderScope == null) {
        throw invalid("orderScope", ORDER_SCOPE, null, "must be key or lane");
      }
      this.orderScope = orderScope;
      return this;
    }

    /** {@value #LEASE_SECONDS}: default 30 s; whole seconds from 1 s to one hour. */
    public Builder leaseDuration(Duration leaseDuration) {
      seconds("leaseDuration", LEASE_SECONDS, leaseDuration, 1, MAX_LEASE_SECONDS);
      this.leaseDuration = leaseDuration;
      return this;
    }

    /**
     * {@value #JOB_TIMEOUT_SECONDS}: default 15 min; from 1 s to one hour, whole seconds when read
     * from the variable.
     */
    public Builder jobTimeLimit(Duration jobTimeLimit) {
      if (jobTimeLimit == null
          || jobTimeLimit.isNegative()
          || jobTimeLimit.compareTo(Duration.ofSeconds(1)) < 0
          || jobTimeLimit.compareTo(EngineConfig.MAX_JOB_TIME_LIMIT) > 0) {
        throw invalid(
            "jobTimeLimit",
            JOB_TIMEOUT_SECONDS,
            jobTimeLimit == null ? null : secondsText(jobTimeLimit),
            "must be seconds from 1 to " + MAX_JOB_TIMEOUT_SECONDS);
      }
      this.jobTimeLimit = jobTimeLimit;
      return this;
    }

    /**
     * {@value #UNHEALTHY_WRITTEN_OFF_THREADS}: default {@value
     * #DEFAULT_UNHEALTHY_WRITTEN_OFF_THREADS}; 1 to {@value #MAX_UNHEALTHY_WRITTEN_OFF_THREADS}.
     */
    public Builder unhealthyWrittenOffThreads(int threads) {
      range(
          "unhealthyWrittenOffThreads",
          UNHEALTHY_WRITTEN_OFF_THREADS,
          threads,
          1,
          MAX_UNHEALTHY_WRITTEN_OFF_THREADS);
      this.unhealthyWrittenOffThreads = threads;
      return this;
    }

    /** {@value #HEALTH_FILE}: a file path, or null for none (the default). */
    public Builder healthFile(Path healthFile) {
      this.healthFile = healthFile;
      return this;
    }

    /** {@value #SHUTDOWN_SECONDS}: default 30 s (ECS's default stop timeout); 0 to one hour. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      seconds("shutdownTimeout", SHUTDOWN_SECONDS, shutdownTimeout, 0, MAX_SHUTDOWN_SECONDS);
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /** {@value #RECEIVE_WAIT_SECONDS}: default 20 s, the longest SQS allows; 0 to 20 s. */
    public Builder receiveWait(Duration receiveWait) {
      seconds("receiveWait", RECEIVE_WAIT_SECONDS, receiveWait, 0, MAX_RECEIVE_WAIT_SECONDS);
      this.receiveWait = receiveWait;
      return this;
    }

    /** {@value #HANDLER}: a {@link HandlerFactory} class name, or null for none (the default). */
    public Builder handler(String handler) {
      if (handler != null && handler.isBlank()) {
        throw invalid("handler", HANDLER, handler, "must name a HandlerFactory class");
      }
      this.handler = handler;
      return this;
    }

    /** {@value #PAYLOAD_BUCKET}: an S3 bucket name, or null for none (the default). */
    public Builder payloadBucket(String bucket) {
      if (bucket != null && !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
        throw invalid(
            "payloadBucket",
            PAYLOAD_BUCKET,
            bucket,
            "must be an S3 bucket name (3-63 of a-z 0-9 . -)");
      }
      this.payloadBucket = bucket;
      return this;
    }

    /** {@value #METRICS}: default {@link MetricsOutput#NONE}. */
    public Builder metrics(MetricsOutput metrics) {
      if (metrics == null) {
        throw invalid("metrics", METRICS, null, "must be none or emf");
      }
      this.metrics = metrics;
      return this;
    }

    /**
     * The owner id in lane leases, or null to let the host make one (the default). Must be unique
     * per process incarnation: a restarted process reusing it could take its old grants for its
     * own.
     */
    public Builder workerId(String workerId) {
      if (workerId != null && (workerId.isBlank() || workerId.length() > MAX_WORKER_ID_LENGTH)) {
        throw new ConsumerConfigException(
            "workerId must be 1 to "
                + MAX_WORKER_ID_LENGTH
                + " characters, got "
                + quote(workerId));
      }
      this.workerId = workerId;
      return this;
    }

    /**
     * @throws ConsumerConfigException naming the setting, its variable and the value refused
     */
    public ConsumerConfig build() {
      if (queueUrl == null || queueUrl.isBlank()) {
        throw invalid("queueUrl", QUEUE_URL, queueUrl, "is required");
      }
      if (deadLetterQueueUrl != null && deadLetterQueueUrl.equals(queueUrl)) {
        throw badDeadLetterQueue(deadLetterQueueUrl);
      }
      if (leaseTable == null) {
        throw invalid("leaseTable", LEASE_TABLE, null, "is required");
      }
      EngineConfig engine;
      LeaseConfig lease;
      try {
        EngineConfig.Builder e =
            (engineBase != null ? engineBase.toBuilder() : EngineConfig.builder())
                .queueUrl(queueUrl)
                .deadLetterQueueUrl(deadLetterQueueUrl)
                .ring(ring != null ? ring : HashRing.of(DEFAULT_LANES))
                .maxLanesInFlight(maxLanesInFlight)
                .maxAttempts(maxAttempts)
                .keyConcurrency(keyConcurrency)
                .orderScope(orderScope)
                .jobTimeLimit(jobTimeLimit);
        if (workerId != null) {
          e.owner(workerId);
        }
        engine = e.build();
        lease =
            leaseBase != null && leaseBase.leaseDuration().equals(leaseDuration)
                ? leaseBase
                : LeaseConfig.builder()
                    .leaseDuration(leaseDuration)
                    .expiryMode(
                        leaseBase != null
                            ? leaseBase.expiryMode()
                            : LeaseConfig.defaults().expiryMode())
                    .build();
      } catch (IllegalArgumentException e) {
        // The variables' setters check what the variables can express; this is an engine or
        // lease configuration given whole that disagrees with them.
        throw new ConsumerConfigException(e.getMessage(), e);
      }
      return new ConsumerConfig(this, engine, lease);
    }

    private static ConsumerConfigException badDeadLetterQueue(String url) {
      return invalid(
          "deadLetterQueueUrl",
          DLQ_URL,
          url,
          "must be a FIFO queue's URL (ending in .fifo) other than the work queue");
    }

    private static void range(String setting, String variable, int value, int min, int max) {
      if (value < min || value > max) {
        throw invalid(
            setting,
            variable,
            Integer.toString(value),
            "must be a whole number from " + min + " to " + max);
      }
    }

    private static void seconds(String setting, String variable, Duration value, int min, int max) {
      if (value == null
          || value.getNano() != 0
          || value.toSeconds() < min
          || value.toSeconds() > max) {
        throw invalid(
            setting,
            variable,
            value == null ? null : secondsText(value),
            "must be whole seconds from " + min + " to " + max);
      }
    }

    /** Seconds as the variable spells them: {@code 30}, {@code 1.5}. */
    private static String secondsText(Duration value) {
      return new BigDecimal(value.getSeconds())
          .add(BigDecimal.valueOf(value.getNano(), 9))
          .stripTrailingZeros()
          .toPlainString();
    }

    private static ConsumerConfigException invalid(
        String setting, String variable, String value, String rule) {
      return new ConsumerConfigException(
          variable + " (" + setting + ") " + rule + ", got " + quote(value));
    }
  }
}
