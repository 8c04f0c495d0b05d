package io.fenceq.metrics;

import java.time.Duration;
import java.util.Map;

/**
 * Where fenceq reports what it counts and times. Small on purpose, so that any backend fits behind
 * it: {@link EmbeddedMetricFormat} for CloudWatch, or an adapter to a metrics library. The default,
 * {@link #none()}, drops everything, so nothing depends on a backend being configured.
 *
 * <p>Implementations must be thread-safe and must not throw: a metrics failure never fails a job.
 * Dimensions should have few distinct values (queue, job type), never one per lane or key, which
 * CloudWatch would bill as separate metrics.
 */
public interface Metrics {
  /** Adds {@code n} to the counter {@code name} for the given dimensions. */
  void count(String name, long n, Map<String, String> dimensions);

  /** Records one duration of {@code name} for the given dimensions. */
  void timing(String name, Duration duration, Map<String, String> dimensions);

  /** Metrics that go nowhere. */
  static Metrics none() {
    return NoMetrics.INSTANCE;
  }
}
