package io.fenceq.engine;

import io.fenceq.metrics.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Keeps every metric reported. */
final class RecordingMetrics implements Metrics {
  /** One report; {@code duration} is null for counts. */
  record Point(String name, long n, Duration duration, Map<String, String> dimensions) {}

  private final List<Point> points = new ArrayList<>();

  @Override
  public synchronized void count(String name, long n, Map<String, String> dimensions) {
    points.add(new Point(name, n, null, Map.copyOf(dimensions)));
  }

  @Override
  public synchronized void timing(String name, Duration duration, Map<String, String> dimensions) {
    points.add(new Point(name, 0, duration, Map.copyOf(dimensions)));
  }

  synchronized List<Point> points(String name) {
    return points.stream().filter(p -> p.name().equals(name)).toList();
  }

  /** The sum of the counts of {@code name}. */
  synchronized long total(String name) {
    return points(name).stream().mapToLong(Point::n).sum();
  }
}
