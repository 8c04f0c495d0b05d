package io.fenceq.engine;

import io.fenceq.internal.Require;
import io.fenceq.lease.internal.Durations;
import io.fenceq.ring.HashRing;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * What a {@link LaneProcessor} needs to know about its queue and how it treats failures. Immutable;
 * {@link Builder#build()} refuses a bad setting, naming it and its value. Lease timing (duration,
 * renew interval, expiry mode) is not here: it is the {@link io.fenceq.lease.LeaseStore}'s
 * configuration, since every user of the lease table must agree on it.
 */
public final class EngineConfig {
  /** Longest visibility SQS accepts, so the longest backoff that can be expressed. */
  public static final Duration MAX_VISIBILITY = Duration.ofHours(12);

  /** Default {@link #backoffBase()}: the first retry of a failed job waits about this long. */
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(2);

  /**
   * Default {@link #backoffCap()}: long enough to ride out a downstream outage, short enough that a
   * fixed handler gets its lane moving again soon.
   */
  public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofMinutes(15);

  /** Default {@link #maxLanesInFlight()}. */
  public static final int DEFAULT_MAX_LANES_IN_FLIGHT = 16;

  /** Most lanes one processor runs at once; each is a thread. */
  public static final int MAX_LANES_IN_FLIGHT = 1024;

  /** Default {@link #maxAttempts()}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /**
   * Highest {@link #maxAttempts()}: below SQS's highest {@code maxReceiveCount}, which must stay
   * above it as a backstop.
   */
  public static final int MAX_ATTEMPTS = 999;

  /** Highest {@code maxReceiveCount} SQS accepts in a redrive policy. */
  public static final int MAX_RECEIVE_COUNT = 1000;

  /** Default {@link #jobTimeLimit()}. */
  public static final Duration DEFAULT_JOB_TIME_LIMIT = Duration.ofMinutes(15);

  /**
   * Longest {@link #jobTimeLimit()}. A lane batch holds at most 10 messages (the most one receive
   * returns), each may run up to its limit and the write-off grace; all of that must end well
   * before SQS's 12-hour cap on a message's time in flight, after which the heartbeat can no longer
   * extend its visibility.
   */
  public static final Duration MAX_JOB_TIME_LIMIT = Duration.ofHours(1);

  /** Default {@link #writeOffGrace()}. */
  public static final Duration DEFAULT_WRITE_OFF_GRACE = Duration.ofSeconds(30);

  /** Longest {@link #writeOffGrace()}: with {@link #MAX_JOB_TIME_LIMIT}, see its comment. */
  public static final Duration MAX_WRITE_OFF_GRACE = Duration.ofMinutes(5);

  /** Default {@link #keyConcurrency()}. */
  public static final int DEFAULT_KEY_CONCURRENCY = 4;

  /**
   * Highest {@link #keyConcurrency()}: a lane-batch holds at most 10 messages (the most one receive
   * returns), so at most 10 keys.
   */
  public static final int MAX_KEY_CONCURRENCY = 10;

  private static final int MAX_OWNER_LENGTH = 512;

  private final String queueUrl;
  private final String deadLetterQueueUrl;
  private final String owner;
  private final HashRing ring;
  private final int maxLanesInFlight;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final boolean heartbeat;
  private final int maxReceiveCount;
  private final int maxAttempts;
  private final Duration jobTimeLimit;
  private final Duration writeOffGrace;
  private final int keyConcurrency;
  private final OrderScope orderScope;
  private final boolean partialBatchResponse;

  private EngineConfig(Builder b) {
    this.queueUrl = b.queueUrl;
    this.deadLetterQueueUrl = b.deadLetterQueueUrl;
    this.owner = b.owner != null ? b.owner : "engine-" + UUID.randomUUID();
    this.ring = b.ring;
    this.maxLanesInFlight = b.maxLanesInFlight;
    this.backoffBase = b.backoffBase;
    this.backoffCap = b.backoffCap;
    this.heartbeat = b.heartbeat;
    this.maxReceiveCount = b.maxReceiveCount;
    this.maxAttempts = b.maxAttempts;
    this.jobTimeLimit = b.jobTimeLimit;
    this.writeOffGrace = b.writeOffGrace;
    this.keyConcurrency = b.keyConcurrency;
    this.orderScope = b.orderScope;
    this.partialBatchResponse = b.partialBatchResponse;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The FIFO work queue the messages come from. */
  public String queueUrl() {
    return queueUrl;
  }

  /**
   * The FIFO dead-letter queue that permanent errors (a malformed envelope, an unknown job type, a
   * message placed by another ring) are sent to at once; empty to let them fail until the queue's
   * redrive policy moves them.
   */
  public Optional<String> deadLetterQueueUrl() {
    return Optional.ofNullable(deadLetterQueueUrl);
  }

  /**
   * This consumer's identity in lane leases. Names one process incarnation: a restarted process
   * must use a new one, or it could take its own old grants for current ones.
   */
  public String owner() {
    return owner;
  }

  /** The ring producers place jobs with; a job placed by another ring is refused. */
  public HashRing ring() {
    return ring;
  }

  /** Lanes run at once by one processor; more wait for a free slot. */
  public int maxLanesInFlight() {
    return maxLanesInFlight;
  }

  /** Backoff of a failed job on its first delivery; it doubles with each further delivery. */
  public Duration backoffBase() {
    return backoffBase;
  }

  /** Longest backoff of a failed job, however often it was delivered. */
  public Duration backoffCap() {
    return backoffCap;
  }

  /**
   * Whether running lanes renew their lease and extend their messages' visibility every renew
   * interval. On for long-running hosts; off where the host bounds a batch's time itself (Lambda).
   * Without it a lane's lease must outlast the host's batch (for Lambda: a lease at least the
   * function's timeout), or the lane is lost when its lease runs out and its remaining jobs wait
   * for their visibility to run out.
   */
  public boolean heartbeat() {
    return heartbeat;
  }

  /**
   * The work queue's redrive {@code maxReceiveCount}, if the host knows it. With it and a {@link
   * #deadLetterQueueUrl()}, a job that fails on what SQS counts as its last delivery goes to the
   * dead-letter queue from the engine, with the handler's error as its reason, and the rest of its
   * lane runs in the same batch. Left to the redrive policy instead, the jobs received behind it
   * would follow it there unrun: SQS counts their deliveries too, although they never ran.
   */
  public OptionalInt maxReceiveCount() {
    return maxReceiveCount == 0 ? OptionalInt.empty() : OptionalInt.of(maxReceiveCount);
  }

  /**
   * How many times a job's handler may fail before the engine moves the job to the dead-letter
   * queue itself, with the last failure and the count as its reason. Counted in the lane's failure
   * record on its lease item ({@link io.fenceq.lease.FailureRecord}), so only real attempts count:
   * a job given back unrun (its lane held elsewhere, a shutdown, a failing job ahead of it) does
   * not, although SQS counts that receive. The queue's {@code maxReceiveCount} must be well above
   * it: it is only the backstop for what the record cannot count (a record that could not be
   * written, a consumer that dies while its job runs).
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * How long one job's handler may run, unless its type has its own limit ({@link
   * JobHandlers.Builder#on(String, JobHandler, Duration)}). Past it the handler's thread is
   * interrupted and the job fails with a reason naming the limit, like any failure. Without a
   * limit, a handler that never returns would hold its lane, its lane slot and its thread until
   * SQS's 12-hour cap, and then keep the slot and the thread for ever.
   */
  public Duration jobTimeLimit() {
    return jobTimeLimit;
  }

  /**
   * How long a handler's thread, interrupted at its job's time limit, may take to end. A thread
   * still running after that is written off: the lane stops waiting for it, its lane slot is given
   * back, its lease is marked lost and released and its unfinished messages go back to the queue;
   * the thread itself cannot be stopped, and its writes are refused by their fence once another
   * consumer holds the lane.
   */
  public Duration writeOffGrace() {
    return writeOffGrace;
  }

  /**
   * How many distinct keys of one lane-batch run at once, each key's jobs in order, under {@link
   * OrderScope#KEY}; 1 runs the keys one after another. Each lane in flight may use this many
   * threads: its own and up to {@code keyConcurrency - 1} from a pool the processor owns, named
   * {@code fenceq-key-N}. Ignored under {@link OrderScope#LANE}, which runs one job at a time.
   */
  public int keyConcurrency() {
    return keyConcurrency;
  }

  /** How far a failed job holds back the rest of its lane-batch; see {@link OrderScope}. */
  public OrderScope orderScope() {
    return orderScope;
  }

  /**
   * Whether the host reports the messages left on the queue as an SQS FIFO partial batch response
   * (Lambda's {@code ReportBatchItemFailures}; the Lambda consumer sets it). A lane is one message
   * group, and in such a response no message of a group may count as processed behind one reported
   * as failed. So, once a message of a lane-batch is given back (or left alone, the lane lost),
   * every later message of that lane-batch is given back too and never deleted, whatever its key: a
   * job not yet started does not start, and one of another key that already succeeded concurrently
   * is given back and runs again, where its fenced write answers {@code DUPLICATE} (same fence or a
   * newer one, same seq). A dead-lettered message is the exception: its copy is in the dead-letter
   * queue, so it is deleted and not reported. Default false.
   */
  public boolean partialBatchResponse() {
    return partialBatchResponse;
  }

  /** The same configuration with other settings changed. */
  public Builder toBuilder() {
    return new Builder()
        .queueUrl(queueUrl)
        .deadLetterQueueUrl(deadLetterQueueUrl)
        .owner(owner)
        .ring(ring)
        .maxLanesInFlight(maxLanesInFlight)
        .backoffBase(backoffBase)
        .backoffCap(backoffCap)
        .heartbeat(heartbeat)
        .maxReceiveCount(maxReceiveCount)
        .maxAttempts(maxAttempts)
        .jobTimeLimit(jobTimeLimit)
        .writeOffGrace(writeOffGrace)
        .keyConcurrency(keyConcurrency)
        .orderScope(orderScope)
        .partialBatchResponse(partialBatchResponse);
  }

  @Override
  public String toString() {
    return "EngineConfig[queueUrl="
        + queueUrl
        + ", deadLetterQueueUrl="
        + deadLetterQueueUrl
        + ", owner="
        + owner
        + ", ring="
        + ring.descriptor()
        + ", maxLanesInFlight="
        + maxLanesInFlight
        + ", backoffBase="
        + Durations.format(backoffBase)
        + ", backoffCap="
        + Durations.format(backoffCap)
        + ", heartbeat="
        + heartbeat
        + ", maxReceiveCount="
        + (maxReceiveCount == 0 ? "unknown" : Integer.toString(maxReceiveCount))
        + ", maxAttempts="
        + maxAttempts
        + ", jobTimeLimit="
        + Durations.format(jobTimeLimit)
        + ", writeOffGrace="
        + Durations.format(writeOffGrace)
        + ", keyConcurrency="
        + keyConcurrency
        + ", orderScope="
        + orderScope
        + ", partialBatchResponse="
        + partialBatchResponse
        + "]";
  }

  /** Builds an {@link EngineConfig}; {@code queueUrl} and {@code ring} are required. */
  public static final class Builder {
    private String queueUrl;
    private String deadLetterQueueUrl;
    private String owner;
    private HashRing ring;
    private int maxLanesInFlight = DEFAULT_MAX_LANES_IN_FLIGHT;
    private Duration backoffBase = DEFAULT_BACKOFF_BASE;
    private Duration backoffCap = DEFAULT_BACKOFF_CAP;
    private boolean heartbeat = true;
    private int maxReceiveCount;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration jobTimeLimit = DEFAULT_JOB_TIME_LIMIT;
    private Duration writeOffGrace = DEFAULT_WRITE_OFF_GRACE;
    private int keyConcurrency = DEFAULT_KEY_CONCURRENCY;
    private OrderScope orderScope = OrderScope.KEY;
    private boolean partialBatchResponse;

    private Builder() {}

    /** The FIFO work queue's URL (ends in {@code .fifo}). */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = queueUrl;
      return this;
    }

    /** The FIFO dead-letter queue's URL, or null for none (the default). */
    public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
      this.deadLetterQueueUrl = deadLetterQueueUrl;
      return this;
    }

    /** Default {@code engine-<random UUID>}, new for every configuration built. */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    public Builder ring(HashRing ring) {
      this.ring = ring;
      return this;
    }

    /** Default {@value #DEFAULT_MAX_LANES_IN_FLIGHT}; 1 to {@value #MAX_LANES_IN_FLIGHT}. */
    public Builder maxLanesInFlight(int maxLanesInFlight) {
      this.maxLanesInFlight = maxLanesInFlight;
      return this;
    }

    /** Default 2 s; positive and at most {@link #backoffCap}. */
    public Builder backoffBase(Duration backoffBase) {
      this.backoffBase = backoffBase;
      return this;
    }

    /** Default 15 min; at most 12 h, the longest visibility SQS accepts. */
    public Builder backoffCap(Duration backoffCap) {
      this.backoffCap = backoffCap;
      return this;
    }

    /** Default true. */
    public Builder heartbeat(boolean heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    /**
     * The work queue's redrive {@code maxReceiveCount}, 1 to {@value #MAX_RECEIVE_COUNT}, or 0 for
     * unknown (the default).
     */
    public Builder maxReceiveCount(int maxReceiveCount) {
      this.maxReceiveCount = maxReceiveCount;
      return this;
    }

    /** Default {@value #DEFAULT_MAX_ATTEMPTS}; 1 to {@value #MAX_ATTEMPTS}. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Default 15 min; positive and at most {@link #MAX_JOB_TIME_LIMIT} (1 h). */
    public Builder jobTimeLimit(Duration jobTimeLimit) {
      this.jobTimeLimit = jobTimeLimit;
      return this;
    }

    /** Default 30 s; positive and at most {@link #MAX_WRITE_OFF_GRACE} (5 min). */
    public Builder writeOffGrace(Duration writeOffGrace) {
      this.writeOffGrace = writeOffGrace;
      return this;
    }

    /** Default {@value #DEFAULT_KEY_CONCURRENCY}; 1 to {@value #MAX_KEY_CONCURRENCY}. */
    public Builder keyConcurrency(int keyConcurrency) {
      this.keyConcurrency = keyConcurrency;
      return this;
    }

    /** Default {@link OrderScope#KEY}. */
    public Builder orderScope(OrderScope orderScope) {
      this.orderScope = orderScope;
      return this;
    }

    /** Default false; see {@link EngineConfig#partialBatchResponse()}. */
    public Builder partialBatchResponse(boolean partialBatchResponse) {
      this.partialBatchResponse = partialBatchResponse;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the setting and its value
     */
    public EngineConfig build() {
      requireFifoUrl("queueUrl", queueUrl, false);
      requireFifoUrl("deadLetterQueueUrl", deadLetterQueueUrl, true);
      if (deadLetterQueueUrl != null && deadLetterQueueUrl.equals(queueUrl)) {
        throw Require.invalid(
            "EngineConfig",
            "deadLetterQueueUrl",
            "must not be the work queue itself",
            deadLetterQueueUrl);
      }
      if (owner != null && (owner.isBlank() || owner.length() > MAX_OWNER_LENGTH)) {
        throw Require.invalid(
            "EngineConfig",
            "owner",
            "must be 1 to " + MAX_OWNER_LENGTH + " characters",
            '"' + owner + '"');
      }
      if (ring == null) {
        throw Require.invalid(
            "EngineConfig", "ring", "is required: the ring producers place jobs with", "null");
      }
      if (maxLanesInFlight < 1 || maxLanesInFlight > MAX_LANES_IN_FLIGHT) {
        throw Require.invalid(
            "EngineConfig",
            "maxLanesInFlight",
            "must be between 1 and " + MAX_LANES_IN_FLIGHT,
            Integer.toString(maxLanesInFlight));
      }
      if (backoffCap == null || backoffCap.isNegative() || backoffCap.isZero()) {
        throw Require.invalid(
            "EngineConfig", "backoffCap", "must be positive", Durations.format(backoffCap));
      }
      if (backoffCap.compareTo(MAX_VISIBILITY) > 0) {
        throw Require.invalid(
            "EngineConfig",
            "backoffCap",
            "must be at most 12h, the longest visibility timeout SQS accepts",
            Durations.format(backoffCap));
      }
      if (backoffBase == null || backoffBase.isNegative() || backoffBase.isZero()) {
        throw Require.invalid(
            "EngineConfig", "backoffBase", "must be positive", Durations.format(backoffBase));
      }
      if (backoffBase.compareTo(backoffCap) > 0) {
        throw Require.invalid(
            "EngineConfig",
            "backoffBase",
            "must be at most backoffCap (" + Durations.format(backoffCap) + ")",
            Durations.format(backoffBase));
      }
      if (maxReceiveCount < 0 || maxReceiveCount > MAX_RECEIVE_COUNT) {
        throw Require.invalid(
            "EngineConfig",
            "maxReceiveCount",
            "must be between 1 and " + MAX_RECEIVE_COUNT + ", or 0 for unknown",
            Integer.toString(maxReceiveCount));
      }
      if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
        throw Require.invalid(
            "EngineConfig",
            "maxAttempts",
            "must be between 1 and " + MAX_ATTEMPTS,
            Integer.toString(maxAttempts));
      }
      requireJobTimeLimit("EngineConfig", "jobTimeLimit", jobTimeLimit);
      if (keyConcurrency < 1 || keyConcurrency > MAX_KEY_CONCURRENCY) {
        throw Require.invalid(
            "EngineConfig",
            "keyConcurrency",
            "must be between 1 and "
                + MAX_KEY_CONCURRENCY
                + " (a lane-batch holds at most 10 messages)",
            Integer.toString(keyConcurrency));
      }
      if (orderScope == null) {
        throw Require.invalid("EngineConfig", "orderScope", "must be KEY or LANE", "null");
      }
      if (writeOffGrace == null
          || writeOffGrace.isNegative()
          || writeOffGrace.isZero()
          || writeOffGrace.compareTo(MAX_WRITE_OFF_GRACE) > 0) {
        throw Require.invalid(
            "EngineConfig",
            "writeOffGrace",
            "must be positive and at most " + Durations.format(MAX_WRITE_OFF_GRACE),
            Durations.format(writeOffGrace));
      }
      return new EngineConfig(this);
    }

    /** Checks a job time limit, the engine's or a job type's. */
    static void requireJobTimeLimit(String owner, String setting, Duration limit) {
      if (limit == null
          || limit.isNegative()
          || limit.isZero()
          || limit.compareTo(MAX_JOB_TIME_LIMIT) > 0) {
        throw Require.invalid(
            owner,
            setting,
            "must be positive and at most "
                + Durations.format(MAX_JOB_TIME_LIMIT)
                + ", so that a lane's batch ends well within SQS's 12h cap on a message in flight",
            Durations.format(limit));
      }
    }

    private static void requireFifoUrl(String setting, String url, boolean optional) {
      if (url == null && optional) {
        return;
      }
      if (url == null || url.isBlank()) {
        throw Require.invalid("EngineConfig", setting, "is required", String.valueOf(url));
      }
      if (!url.endsWith(".fifo")) {
        throw Require.invalid(
            "EngineConfig",
            setting,
            "must be a FIFO queue's URL (ending in .fifo): lanes are message groups",
            url);
      }
    }
  }
}
