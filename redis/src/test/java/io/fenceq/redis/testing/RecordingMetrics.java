package io.fenceq.redis.testing;

import io.fenceq.metrics.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Metrics kept in memory for assertions. */
public final class RecordingMetrics implements Metrics {
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Map<String, List<Duration>> timings = new ConcurrentHashMap<>();

  @Override
  public void count(String name, long n, Map<String, String> dimensions) {
    counts.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(n);
  }

  @Override
  public void timing(String name, Duration duration, Map<String, String> dimensions) {
    timings.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(duration);
  }

  public long count(String name) {
    AtomicLong n = counts.get(name);
    return n == null ? 0 : n.get();
  }

  public List<Duration> timings(String name) {
    return timings.getOrDefault(name, List.of());
  }
}
