package io.fenceq.local.lambda;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How a {@link SqsEventSource} polls and invokes, in the terms of a Lambda SQS event source mapping
 * and its function. Immutable; {@link Builder#build()} refuses a bad setting with an {@link
 * IllegalArgumentException} naming it and its value.
 *
 * <ul>
 *   <li>{@code batchSize}: records per invocation, 1 to 10 (Lambda's {@code BatchSize}; 10 is the
 *       most a FIFO queue allows, and FIFO mappings have no batching window).
 *   <li>{@code maximumConcurrency}: invocations at once (Lambda's {@code
 *       ScalingConfig.MaximumConcurrency}).
 *   <li>{@code pollers}: receives at once, 1 to {@code maximumConcurrency}; default {@value
 *       #DEFAULT_POLLERS}, or {@code maximumConcurrency} if smaller. Lambda's mapping polls with a
 *       few pollers of its own (five to start with) and invokes up to the concurrency limit; a
 *       poller here receives only while an invocation slot is free, so a batch is never received
 *       that cannot be invoked at once. Every receive that waits on an empty or busy queue costs an
 *       emulator such as ElasticMQ work on each change to the queue, so few pollers keep a deep
 *       message group cheap to drain.
 *   <li>{@code functionTimeout}: the function's {@code Timeout}, from which the invocation's {@code
 *       Context.getRemainingTimeInMillis()} counts down; an invocation still running at the end is
 *       a failed invocation. The queue's visibility timeout must be at least this long, as Lambda
 *       requires of a mapping.
 *   <li>{@code receiveWait}: the long-poll wait of each receive (Lambda polls with 20 s); also how
 *       long an idle poller may take to stop. Zero polls short, with an {@link
 *       io.fenceq.consumer.EmptyReceivePause} after an empty receive, as fenceq's worker does.
 *   <li>{@code shutdownTimeout}: how long {@link SqsEventSource#close()} lets running invocations
 *       finish.
 *   <li>{@code functionName}, {@code memoryLimitMb}: what the {@code Context} reports.
 * </ul>
 */
public final class EventSourceConfig {
  /** Lambda's largest {@code BatchSize} for a FIFO queue. */
  public static final int MAX_FIFO_BATCH_SIZE = 10;

  /** Lambda's largest {@code ScalingConfig.MaximumConcurrency}. */
  public static final int MAX_CONCURRENCY = 1000;

  /** Lambda's longest function timeout. */
  public static final Duration MAX_FUNCTION_TIMEOUT = Duration.ofMinutes(15);

  /** SQS's longest long-poll wait. */
  public static final Duration MAX_RECEIVE_WAIT = Duration.ofSeconds(20);

  /** Pollers when none is set, as many as Lambda's mapping starts with. */
  public static final int DEFAULT_POLLERS = 5;

  private static final Duration MAX_SHUTDOWN_TIMEOUT = Duration.ofMinutes(15);
  private static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final int batchSize;
  private final int maximumConcurrency;
  private final int pollers;
  private final Duration functionTimeout;
  private final Duration receiveWait;
  private final Duration shutdownTimeout;
  private final String functionName;
  private final int memoryLimitMb;

  private EventSourceConfig(Builder b) {
    this.batchSize = b.batchSize;
    this.maximumConcurrency = b.maximumConcurrency;
    this.pollers = b.pollers == null ? Math.min(DEFAULT_POLLERS, maximumConcurrency) : b.pollers;
    this.functionTimeout = b.functionTimeout;
    this.receiveWait = b.receiveWait;
    this.shutdownTimeout = b.shutdownTimeout;
    this.functionName = b.functionName;
    this.memoryLimitMb = b.memoryLimitMb;
  }

  /**
   * Lambda's defaults: batches of 10, 5 invocations at once, 5 pollers, a 30 s timeout, 20 s polls.
   */
  public static Builder builder() {
    return new Builder();
  }

  public int batchSize() {
    return batchSize;
  }

  public int maximumConcurrency() {
    return maximumConcurrency;
  }

  /** Receives at once; each takes a free invocation slot before it asks SQS for a batch. */
  public int pollers() {
    return pollers;
  }

  public Duration functionTimeout() {
    return functionTimeout;
  }

  public Duration receiveWait() {
    return receiveWait;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public String functionName() {
    return functionName;
  }

  public int memoryLimitMb() {
    return memoryLimitMb;
  }

  @Override
  public String toString() {
    return "batchSize="
        + batchSize
        + " maximumConcurrency="
        + maximumConcurrency
        + " pollers="
        + pollers
        + " functionTimeoutMs="
        + functionTimeout.toMillis()
        + " receiveWaitS="
        + receiveWait.toSeconds()
        + " shutdownTimeoutMs="
        + shutdownTimeout.toMillis()
        + " function="
        + functionName;
  }

  /** Builds an {@link EventSourceConfig}; every setting has a default. */
  public static final class Builder {
    private int batchSize = MAX_FIFO_BATCH_SIZE;
    private int maximumConcurrency = 5;
    // null: the default, which depends on maximumConcurrency.
    private Integer pollers;
    private Duration functionTimeout = Duration.ofSeconds(30);
    private Duration receiveWait = MAX_RECEIVE_WAIT;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private String functionName = "fenceq-consumer";
    private int memoryLimitMb = 1024;

    private Builder() {}

    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder maximumConcurrency(int maximumConcurrency) {
      this.maximumConcurrency = maximumConcurrency;
      return this;
    }

    /**
     * Receives at once, 1 to {@code maximumConcurrency}; unset: {@value #DEFAULT_POLLERS} or {@code
     * maximumConcurrency}, whichever is smaller.
     */
    public Builder pollers(int pollers) {
      this.pollers = pollers;
      return this;
    }

    public Builder functionTimeout(Duration functionTimeout) {
      this.functionTimeout = functionTimeout;
      return this;
    }

    public Builder receiveWait(Duration receiveWait) {
      this.receiveWait = receiveWait;
      return this;
    }

    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    public Builder functionName(String functionName) {
      this.functionName = functionName;
      return this;
    }

    public Builder memoryLimitMb(int memoryLimitMb) {
      this.memoryLimitMb = memoryLimitMb;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first setting out of range, and its value
     */
    public EventSourceConfig build() {
      if (batchSize < 1 || batchSize > MAX_FIFO_BATCH_SIZE) {
        throw invalid("batchSize", batchSize, "must be from 1 to " + MAX_FIFO_BATCH_SIZE);
      }
      if (maximumConcurrency < 1 || maximumConcurrency > MAX_CONCURRENCY) {
        throw invalid(
            "maximumConcurrency", maximumConcurrency, "must be from 1 to " + MAX_CONCURRENCY);
      }
      if (pollers != null && (pollers < 1 || pollers > maximumConcurrency)) {
        throw invalid(
            "pollers",
            pollers,
            "must be from 1 to maximumConcurrency (" + maximumConcurrency + ")");
      }
      if (functionTimeout == null
          || functionTimeout.compareTo(Duration.ofMillis(1)) < 0
          || functionTimeout.compareTo(MAX_FUNCTION_TIMEOUT) > 0) {
        throw invalid("functionTimeout", functionTimeout, "must be from 1 ms to 15 minutes");
      }
      if (receiveWait == null
          || receiveWait.isNegative()
          || receiveWait.getNano() != 0
          || receiveWait.compareTo(MAX_RECEIVE_WAIT) > 0) {
        throw invalid("receiveWait", receiveWait, "must be whole seconds from 0 to 20");
      }
      if (shutdownTimeout == null
          || shutdownTimeout.isNegative()
          || shutdownTimeout.compareTo(MAX_SHUTDOWN_TIMEOUT) > 0) {
        throw invalid("shutdownTimeout", shutdownTimeout, "must be from 0 to 15 minutes");
      }
      if (functionName == null || !FUNCTION_NAME.matcher(functionName).matches()) {
        throw invalid(
            "functionName",
            functionName,
            "must be 1 to 64 letters, digits, hyphens or underscores");
      }
      if (memoryLimitMb < 128 || memoryLimitMb > 10_240) {
        throw invalid("memoryLimitMb", memoryLimitMb, "must be from 128 to 10240");
      }
      return new EventSourceConfig(this);
    }

    private static IllegalArgumentException invalid(String setting, Object value, String rule) {
      return new IllegalArgumentException(
          "invalid EventSourceConfig setting " + setting + ": " + rule + ", got " + value);
    }
  }
}
