package io.fenceq.metrics;

import java.time.Duration;
import java.util.Map;

/** The default {@link Metrics}: drops everything. */
enum NoMetrics implements Metrics {
  INSTANCE;

  @Override
  public void count(String name, long n, Map<String, String> dimensions) {}

  @Override
  public void timing(String name, Duration duration, Map<String, String> dimensions) {}

  @Override
  public String toString() {
    return "Metrics.none()";
  }
}
