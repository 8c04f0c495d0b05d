package io.fenceq.micrometer;

import io.fenceq.engine.LaneProcessor;
import io.fenceq.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fenceq's metrics on a Micrometer registry: every count is a {@link Counter} and every timing a
 * {@link Timer} publishing the configured percentiles, named {@code fenceq.} and the metric's name
 * in dotted lower case ({@code JobsOk} is {@code fenceq.jobs.ok}, {@code EnqueueToApply} is {@code
 * fenceq.enqueue.to.apply}), tagged with the dimensions. {@link #bindLanesInFlight} adds a gauge of
 * the lanes a processor runs.
 *
 * <pre>{@code
 * MicrometerMetrics metrics = MicrometerMetrics.on(registry);
 * Worker worker = Worker.builder().config(config).metrics(metrics)...build().start();
 * }</pre>
 *
 * <p>Thread-safe, and it never throws: a registry that refuses a meter costs the metric, never the
 * job (logged once).
 */
public final class MicrometerMetrics implements Metrics {
  private static final Logger log = LoggerFactory.getLogger(MicrometerMetrics.class);

  /** Percentiles every timer publishes unless set: the median and the 99th. */
  public static final List<Double> DEFAULT_PERCENTILES = List.of(0.5, 0.99);

  private final MeterRegistry registry;
  private final String prefix;
  private final double[] percentiles;
  private final Map<MeterKey, Counter> counters = new ConcurrentHashMap<>();
  private final Map<MeterKey, Timer> timers = new ConcurrentHashMap<>();
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  private MicrometerMetrics(MeterRegistry registry, String prefix, double[] percentiles) {
    this.registry = registry;
    this.prefix = prefix;
    this.percentiles = percentiles;
  }

  /** Metrics on {@code registry}, prefix {@code fenceq.}, the {@link #DEFAULT_PERCENTILES}. */
  public static MicrometerMetrics on(MeterRegistry registry) {
    return on(registry, "fenceq", DEFAULT_PERCENTILES);
  }

  /**
   * @param prefix the first part of every meter name, without a trailing dot, e.g. {@code fenceq}
   * @param percentiles what each timer publishes, each above 0 and below 1; none for no client-side
   *     percentiles
   * @throws IllegalArgumentException naming a bad prefix or percentile
   */
  public static MicrometerMetrics on(
      MeterRegistry registry, String prefix, List<Double> percentiles) {
    Objects.requireNonNull(registry, "registry");
    if (prefix == null || prefix.isBlank() || prefix.endsWith(".")) {
      throw new IllegalArgumentException(
          "prefix must not be blank or end with a dot, got "
              + (prefix == null ? "null" : '"' + prefix + '"'));
    }
    double[] p = new double[percentiles.size()];
    for (int i = 0; i < p.length; i++) {
      Double v = percentiles.get(i);
      if (v == null || !(v > 0 && v < 1)) {
        throw new IllegalArgumentException(
            "percentiles must be above 0 and below 1, got " + percentiles);
      }
      p[i] = v;
    }
    return new MicrometerMetrics(registry, prefix, p);
  }

  /** The meter name of a fenceq metric: {@code JobsOk} becomes {@code fenceq.jobs.ok}. */
  public String meterName(String metric) {
    StringBuilder name = new StringBuilder(prefix);
    for (int i = 0; i < metric.length(); i++) {
      char c = metric.charAt(i);
      if (Character.isUpperCase(c)) {
        name.append('.');
      }
      name.append(Character.toLowerCase(c));
    }
    return name.toString().toLowerCase(Locale.ROOT);
  }

  @Override
  public void count(String name, long n, Map<String, String> dimensions) {
    try {
      counters
          .computeIfAbsent(
              new MeterKey(name, dimensions),
              k -> Counter.builder(meterName(name)).tags(tags(dimensions)).register(registry))
          .increment(n);
    } catch (RuntimeException e) {
      failed(name, e);
    }
  }

  @Override
  public void timing(String name, Duration duration, Map<String, String> dimensions) {
    try {
      timers
          .computeIfAbsent(
              new MeterKey(name, dimensions),
              k ->
                  Timer.builder(meterName(name))
                      .tags(tags(dimensions))
                      .publishPercentiles(percentiles)
                      .register(registry))
          .record(duration);
    } catch (RuntimeException e) {
      failed(name, e);
    }
  }

  /**
   * A gauge of the lanes {@code processor} runs now ({@code fenceq.lanes.in.flight}), tagged; the
   * registry holds the processor weakly, as Micrometer gauges do.
   */
  public void bindLanesInFlight(LaneProcessor processor, Map<String, String> tags) {
    gauge("LanesInFlight", processor, LaneProcessor::lanesInFlight, tags);
  }

  /** A gauge of {@code value} read from {@code source}, held weakly by the registry. */
  <T> void gauge(String name, T source, ToDoubleFunction<T> value, Map<String, String> tags) {
    Gauge.builder(meterName(name), source, value).tags(tags(tags)).register(registry);
  }

  private static List<Tag> tags(Map<String, String> dimensions) {
    List<Tag> tags = new ArrayList<>();
    new TreeMap<>(dimensions).forEach((k, v) -> tags.add(Tag.of(k, v)));
    return tags;
  }

  private void failed(String name, RuntimeException e) {
    if (failureLogged.compareAndSet(false, true)) {
      log.warn(
          "event=metrics_failed metric={} error=\"{}\" effect=\"the metric is lost, the job is not;"
              + " later failures are not logged\"",
          name,
          e.toString());
    }
  }

  @Override
  public String toString() {
    return "MicrometerMetrics[" + prefix + " percentiles=" + Arrays.toString(percentiles) + "]";
  }

  /** A meter's identity here: its fenceq name and its dimensions. */
  private record MeterKey(String name, Map<String, String> dimensions) {
    MeterKey {
      dimensions = Map.copyOf(dimensions);
    }
  }
}
