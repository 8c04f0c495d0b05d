package io.fenceq.worker;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * How a worker runs: which queue and lease table, how many receive loops and lanes at once, how
 * long leases last and how long a shutdown may take, and which handlers run the jobs. Immutable.
 *
 * <p>{@link #fromEnvironment(Map)} reads the {@code FENCEQ_*} variables below; {@link
 * Builder#build()} checks every setting and refuses a bad one with a {@link WorkerConfigException}
 * naming the setting, its variable and the value, in one line.
 */
public final class WorkerConfig {
  /** The FIFO work queue's URL; required. */
  public static final String QUEUE_URL = "FENCEQ_QUEUE_URL";

  /** The FIFO dead-letter queue's URL; permanent errors go there at once. Optional. */
  public static final String DLQ_URL = "FENCEQ_DLQ_URL";

  /** The lease table; required. */
  public static final String LEASE_TABLE = "FENCEQ_LEASE_TABLE";

  /** Lanes on the ring, the producers' value; default {@value #DEFAULT_LANES}. */
  public static final String LANES = "FENCEQ_LANES";

  /** Receive loops (long polls at once); default {@value #DEFAULT_CONCURRENCY}. */
  public static final String CONCURRENCY = "FENCEQ_CONCURRENCY";

  /** Lanes processed at once; default {@value #DEFAULT_MAX_LANES_IN_FLIGHT}. */
  public static final String MAX_LANES_IN_FLIGHT = "FENCEQ_MAX_LANES_IN_FLIGHT";

  /** Lane lease duration in seconds; default {@value #DEFAULT_LEASE_SECONDS}. */
  public static final String LEASE_SECONDS = "FENCEQ_LEASE_SECONDS";

  /** Seconds a shutdown lets running jobs finish; default {@value #DEFAULT_SHUTDOWN_SECONDS}. */
  public static final String SHUTDOWN_SECONDS = "FENCEQ_SHUTDOWN_SECONDS";

  /** Long-poll wait of each receive, seconds; default {@value #DEFAULT_RECEIVE_WAIT_SECONDS}. */
  public static final String RECEIVE_WAIT_SECONDS = "FENCEQ_RECEIVE_WAIT_SECONDS";

  /** Class name of the {@link HandlerFactory}; default the example inventory handlers. */
  public static final String HANDLER = "FENCEQ_HANDLER";

  /** The example handlers' inventory table; needed only by them. */
  public static final String INVENTORY_TABLE = "FENCEQ_INVENTORY_TABLE";

  /** Where the engine's metrics go: {@code none} (default) or {@code emf}. */
  public static final String METRICS = "FENCEQ_METRICS";

  /** Where a worker's metrics go. */
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
  public static final int DEFAULT_MAX_LANES_IN_FLIGHT = 16;
  public static final int MAX_MAX_LANES_IN_FLIGHT = 1024;
  public static final int DEFAULT_LEASE_SECONDS = 30;
  public static final int MAX_LEASE_SECONDS = 3600;
  public static final int DEFAULT_SHUTDOWN_SECONDS = 30;
  public static final int MAX_SHUTDOWN_SECONDS = 3600;
  public static final int DEFAULT_RECEIVE_WAIT_SECONDS = 20;

  /** SQS's longest long poll. */
  public static final int MAX_RECEIVE_WAIT_SECONDS = 20;

  /** The {@link HandlerFactory} used when {@value #HANDLER} is not set. */
  public static final String DEFAULT_HANDLER = "io.fenceq.worker.example.InventoryHandlers";

  private final String queueUrl;
  private final String deadLetterQueueUrl;
  private final String leaseTable;
  private final int lanes;
  private final int concurrency;
  private final int maxLanesInFlight;
  private final Duration leaseDuration;
  private final Duration shutdownTimeout;
  private final Duration receiveWait;
  private final String handler;
  private final String inventoryTable;
  private final MetricsOutput metrics;
  private final String workerId;

  private WorkerConfig(Builder b) {
    this.queueUrl = b.queueUrl;
    this.deadLetterQueueUrl = b.deadLetterQueueUrl;
    this.leaseTable = b.leaseTable;
    this.lanes = b.lanes;
    this.concurrency = b.concurrency;
    this.maxLanesInFlight = b.maxLanesInFlight;
    this.leaseDuration = b.leaseDuration;
    this.shutdownTimeout = b.shutdownTimeout;
    this.receiveWait = b.receiveWait;
    this.handler = b.handler;
    this.inventoryTable = b.inventoryTable;
    this.metrics = b.metrics;
    this.workerId = b.workerId != null ? b.workerId : newWorkerId();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the {@code FENCEQ_*} variables of {@code environment} (e.g. {@link System#getenv()}).
   * Unset and empty variables take their defaults.
   *
   * @throws WorkerConfigException naming the first variable that is missing or invalid, and its
   *     value
   */
  public static WorkerConfig fromEnvironment(Map<String, String> environment) {
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
    b.leaseDuration(
        Duration.ofSeconds(
            integer(LEASE_SECONDS, get.apply(LEASE_SECONDS), DEFAULT_LEASE_SECONDS)));
    b.shutdownTimeout(
        Duration.ofSeconds(
            integer(SHUTDOWN_SECONDS, get.apply(SHUTDOWN_SECONDS), DEFAULT_SHUTDOWN_SECONDS)));
    b.receiveWait(
        Duration.ofSeconds(
            integer(
                RECEIVE_WAIT_SECONDS,
                get.apply(RECEIVE_WAIT_SECONDS),
                DEFAULT_RECEIVE_WAIT_SECONDS)));
    if (get.apply(HANDLER) != null) {
      b.handler(get.apply(HANDLER));
    }
    b.inventoryTable(get.apply(INVENTORY_TABLE));
    b.metrics(metricsOutput(get.apply(METRICS)));
    return b.build();
  }

  /** The FIFO work queue ({@value #QUEUE_URL}). */
  public String queueUrl() {
    return queueUrl;
  }

  /** The FIFO dead-letter queue ({@value #DLQ_URL}), if configured. */
  public Optional<String> deadLetterQueueUrl() {
    return Optional.ofNullable(deadLetterQueueUrl);
  }

  /** The lease table ({@value #LEASE_TABLE}). */
  public String leaseTable() {
    return leaseTable;
  }

  /** Lanes on the ring ({@value #LANES}); must be the producers' value. */
  public int lanes() {
    return lanes;
  }

  /** Receive loops ({@value #CONCURRENCY}), each on its own thread. */
  public int concurrency() {
    return concurrency;
  }

  /**
   * Lanes processed at once ({@value #MAX_LANES_IN_FLIGHT}); a receive loop waits for room before
   * it polls, so no message waits invisible in the worker for a free slot.
   */
  public int maxLanesInFlight() {
    return maxLanesInFlight;
  }

  /** How long a lane lease lasts without renewal ({@value #LEASE_SECONDS}). */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /** How long a shutdown lets running jobs finish ({@value #SHUTDOWN_SECONDS}). */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** Long-poll wait of a receive ({@value #RECEIVE_WAIT_SECONDS}). */
  public Duration receiveWait() {
    return receiveWait;
  }

  /** Class name of the {@link HandlerFactory} ({@value #HANDLER}). */
  public String handler() {
    return handler;
  }

  /** The example handlers' inventory table ({@value #INVENTORY_TABLE}), if set. */
  public Optional<String> inventoryTable() {
    return Optional.ofNullable(inventoryTable);
  }

  /** Where the engine's metrics go ({@value #METRICS}). */
  public MetricsOutput metrics() {
    return metrics;
  }

  /**
   * This worker's owner id in lane leases: host name and a random suffix, new for every
   * configuration built, so a restarted worker never takes its previous incarnation's grants for
   * its own.
   */
  public String workerId() {
    return workerId;
  }

  /** The same configuration with other settings changed (and a new worker id). */
  public Builder toBuilder() {
    return new Builder()
        .queueUrl(queueUrl)
        .deadLetterQueueUrl(deadLetterQueueUrl)
        .leaseTable(leaseTable)
        .lanes(lanes)
        .concurrency(concurrency)
        .maxLanesInFlight(maxLanesInFlight)
        .leaseDuration(leaseDuration)
        .shutdownTimeout(shutdownTimeout)
        .receiveWait(receiveWait)
        .handler(handler)
        .inventoryTable(inventoryTable)
        .metrics(metrics);
  }

  @Override
  public String toString() {
    return "WorkerConfig[workerId="
        + workerId
        + ", queueUrl="
        + queueUrl
        + ", deadLetterQueueUrl="
        + deadLetterQueueUrl
        + ", leaseTable="
        + leaseTable
        + ", lanes="
        + lanes
        + ", concurrency="
        + concurrency
        + ", maxLanesInFlight="
        + maxLanesInFlight
        + ", leaseDuration="
        + leaseDuration.toSeconds()
        + "s, shutdownTimeout="
        + shutdownTimeout.toSeconds()
        + "s, receiveWait="
        + receiveWait.toSeconds()
        + "s, handler="
        + handler
        + ", inventoryTable="
        + inventoryTable
        + ", metrics="
        + metrics
        + "]";
  }

  private static int integer(String variable, String value, int defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new WorkerConfigException(variable + " must be a whole number, got " + quote(value));
    }
  }

  private static MetricsOutput metricsOutput(String value) {
    if (value == null) {
      return MetricsOutput.NONE;
    }
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "none" -> MetricsOutput.NONE;
      case "emf" -> MetricsOutput.EMF;
      default ->
          throw new WorkerConfigException(METRICS + " must be none or emf, got " + quote(value));
    };
  }

  private static String quote(String value) {
    return value == null ? "nothing (not set)" : '"' + value + '"';
  }

  private static String newWorkerId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "worker";
    }
    String clean = host.replaceAll("[^A-Za-z0-9.-]", "-");
    if (clean.length() > 64) {
      clean = clean.substring(0, 64);
    }
    return clean + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Builds a {@link WorkerConfig}. {@code queueUrl} and {@code leaseTable} are required; every
   * other setting has a default.
   */
  public static final class Builder {
    private String queueUrl;
    private String deadLetterQueueUrl;
    private String leaseTable;
    private int lanes = DEFAULT_LANES;
    private int concurrency = DEFAULT_CONCURRENCY;
    private int maxLanesInFlight = DEFAULT_MAX_LANES_IN_FLIGHT;
    private Duration leaseDuration = Duration.ofSeconds(DEFAULT_LEASE_SECONDS);
    private Duration shutdownTimeout = Duration.ofSeconds(DEFAULT_SHUTDOWN_SECONDS);
    private Duration receiveWait = Duration.ofSeconds(DEFAULT_RECEIVE_WAIT_SECONDS);
    private String handler = DEFAULT_HANDLER;
    private String inventoryTable;
    private MetricsOutput metrics = MetricsOutput.NONE;
    private String workerId;

    private Builder() {}

    public Builder queueUrl(String queueUrl) {
      this.queueUrl = queueUrl;
      return this;
    }

    /** Null for none (the default): permanent errors then reach it by the redrive policy. */
    public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
      this.deadLetterQueueUrl = deadLetterQueueUrl;
      return this;
    }

    public Builder leaseTable(String leaseTable) {
      this.leaseTable = leaseTable;
      return this;
    }

    /** Default {@value #DEFAULT_LANES}; 1 to {@value #MAX_LANES}. */
    public Builder lanes(int lanes) {
      this.lanes = lanes;
      return this;
    }

    /** Default {@value #DEFAULT_CONCURRENCY}; 1 to {@value #MAX_CONCURRENCY}. */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /** Default {@value #DEFAULT_MAX_LANES_IN_FLIGHT}; 1 to {@value #MAX_MAX_LANES_IN_FLIGHT}. */
    public Builder maxLanesInFlight(int maxLanesInFlight) {
      this.maxLanesInFlight = maxLanesInFlight;
      return this;
    }

    /** Default 30 s; whole seconds from 1 s to one hour. */
    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
      return this;
    }

    /** Default 30 s (ECS's default stop timeout); 0 to one hour. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /** Default 20 s, the longest SQS allows; 0 to 20 s. */
    public Builder receiveWait(Duration receiveWait) {
      this.receiveWait = receiveWait;
      return this;
    }

    /** A {@link HandlerFactory} class name; default {@value #DEFAULT_HANDLER}. */
    public Builder handler(String handler) {
      this.handler = handler;
      return this;
    }

    /** Null for none (the default); the example handlers need it. */
    public Builder inventoryTable(String inventoryTable) {
      this.inventoryTable = inventoryTable;
      return this;
    }

    /** Default {@link MetricsOutput#NONE}. */
    public Builder metrics(MetricsOutput metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * The owner id in lane leases; default host name and a random suffix. Must be unique per
     * process incarnation.
     */
    public Builder workerId(String workerId) {
      this.workerId = workerId;
      return this;
    }

    /**
     * @throws WorkerConfigException naming the setting, its variable and the value refused
     */
    public WorkerConfig build() {
      if (queueUrl == null || queueUrl.isBlank()) {
        throw invalid("queueUrl", QUEUE_URL, queueUrl, "is required");
      }
      if (!queueUrl.endsWith(".fifo")) {
        throw invalid(
            "queueUrl",
            QUEUE_URL,
            queueUrl,
            "must be a FIFO queue's URL (ending in .fifo): lanes are message groups");
      }
      if (deadLetterQueueUrl != null
          && (!deadLetterQueueUrl.endsWith(".fifo") || deadLetterQueueUrl.equals(queueUrl))) {
        throw invalid(
            "deadLetterQueueUrl",
            DLQ_URL,
            deadLetterQueueUrl,
            "must be a FIFO queue's URL (ending in .fifo) other than the work queue");
      }
      if (leaseTable == null || leaseTable.isBlank()) {
        throw invalid("leaseTable", LEASE_TABLE, leaseTable, "is required");
      }
      range("lanes", LANES, lanes, 1, MAX_LANES);
      range("concurrency", CONCURRENCY, concurrency, 1, MAX_CONCURRENCY);
      range("maxLanesInFlight", MAX_LANES_IN_FLIGHT, maxLanesInFlight, 1, MAX_MAX_LANES_IN_FLIGHT);
      seconds("leaseDuration", LEASE_SECONDS, leaseDuration, 1, MAX_LEASE_SECONDS);
      seconds("shutdownTimeout", SHUTDOWN_SECONDS, shutdownTimeout, 0, MAX_SHUTDOWN_SECONDS);
      seconds("receiveWait", RECEIVE_WAIT_SECONDS, receiveWait, 0, MAX_RECEIVE_WAIT_SECONDS);
      if (handler == null || handler.isBlank()) {
        throw invalid("handler", HANDLER, handler, "must name a HandlerFactory class");
      }
      if (metrics == null) {
        throw invalid("metrics", METRICS, null, "must be none or emf");
      }
      if (inventoryTable != null && inventoryTable.isBlank()) {
        throw invalid("inventoryTable", INVENTORY_TABLE, inventoryTable, "must not be blank");
      }
      if (workerId != null && (workerId.isBlank() || workerId.length() > 512)) {
        throw new WorkerConfigException(
            "workerId must be 1 to 512 characters, got " + quote(workerId));
      }
      return new WorkerConfig(this);
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

    private static WorkerConfigException invalid(
        String setting, String variable, String value, String rule) {
      return new WorkerConfigException(
          variable + " (" + setting + ") " + rule + ", got " + quote(value));
    }
  }
}
