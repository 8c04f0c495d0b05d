package io.fenceq.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which {@link JobHandler} runs which job type. Immutable. A job whose type has no handler is a
 * permanent error: retrying cannot make a handler appear, so the engine sends it to the dead-letter
 * queue with that reason instead of failing it {@code maxAttempts} times.
 */
public final class JobHandlers {
  private final Map<String, JobHandler> byType;
  private final Map<String, Duration> timeLimits;

  private JobHandlers(Map<String, JobHandler> byType, Map<String, Duration> timeLimits) {
    this.byType = Map.copyOf(byType);
    this.timeLimits = Map.copyOf(timeLimits);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The handlers of a map from job type to handler.
   *
   * @throws IllegalArgumentException if a type is blank or a handler null
   */
  public static JobHandlers of(Map<String, ? extends JobHandler> byType) {
    Builder b = builder();
    byType.forEach(b::on);
    return b.build();
  }

  /** The handler of {@code type}, if any. */
  public Optional<JobHandler> handlerFor(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  /**
   * The time limit of jobs of {@code type}, if it has its own; otherwise the engine's {@link
   * EngineConfig#jobTimeLimit()} applies.
   */
  public Optional<Duration> timeLimitFor(String type) {
    return Optional.ofNullable(timeLimits.get(type));
  }

  /** The job types that have a handler. */
  public Set<String> types() {
    return byType.keySet();
  }

  @Override
  public String toString() {
    return "JobHandlers" + new TreeSet<>(byType.keySet());
  }

  /** Collects handlers by job type. */
  public static final class Builder {
    private final Map<String, JobHandler> byType = new LinkedHashMap<>();
    private final Map<String, Duration> timeLimits = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Runs jobs of {@code type} with {@code handler}.
     *
     * @throws IllegalArgumentException if {@code type} is blank, already has a handler, or {@code
     *     handler} is null
     */
    public Builder on(String type, JobHandler handler) {
      if (type == null || type.isBlank()) {
        throw new IllegalArgumentException("job type must not be blank, got " + type);
      }
      if (handler == null) {
        throw new IllegalArgumentException("handler of job type " + type + " must not be null");
      }
      if (byType.putIfAbsent(type, handler) != null) {
        throw new IllegalArgumentException("job type " + type + " already has a handler");
      }
      return this;
    }

    /**
     * Runs jobs of {@code type} with {@code handler}, each within {@code timeLimit} instead of the
     * engine's {@link EngineConfig#jobTimeLimit()}.
     *
     * @throws IllegalArgumentException as {@link #on(String, JobHandler)}, or if {@code timeLimit}
     *     is not positive or longer than {@link EngineConfig#MAX_JOB_TIME_LIMIT}
     */
    public Builder on(String type, JobHandler handler, Duration timeLimit) {
      EngineConfig.Builder.requireJobTimeLimit("JobHandlers", "timeLimit of " + type, timeLimit);
      on(type, handler);
      timeLimits.put(type, timeLimit);
      return this;
    }

    public JobHandlers build() {
      return new JobHandlers(byType, timeLimits);
    }
  }
}
