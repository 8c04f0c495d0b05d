package io.fenceq.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.queue.internal.Json;
import java.io.Flushable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Metrics} as CloudWatch Embedded Metric Format: one JSON object per line, which CloudWatch
 * Logs turns into metrics without any API call from the process. Lambda extracts them from stdout
 * as they are; an ECS task needs a log route that keeps the EMF format (the CloudWatch agent or
 * FireLens).
 *
 * <p>Each call writes one line, e.g. {@code {"_aws":{"Timestamp":1764158479123,
 * "CloudWatchMetrics":[{"Namespace":"fenceq","Dimensions":[["queue","type"]],
 * "Metrics":[{"Name":"JobsOk","Unit":"Count"}]}]},"queue":"work.fifo","type":"reserve",
 * "JobsOk":1}}. Timings are in milliseconds. A dimension named like the metric or {@code _aws}
 * would collide with the line's own fields and is left out.
 *
 * <p>Thread-safe: lines are written whole, one at a time. A failed write is counted ({@link
 * #failedWrites()}) and never thrown, so that metrics never fail a job.
 */
public final class EmbeddedMetricFormat implements Metrics {
  /** The CloudWatch namespace fenceq's metrics go to. */
  public static final String NAMESPACE = "fenceq";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Appendable out;
  private final Clock clock;
  private final String namespace;
  private final AtomicLong failedWrites = new AtomicLong();

  /**
   * @param out where the lines go: a {@link PrintStream} such as {@code System.out}, or a {@link
   *     java.io.Writer}; flushed after every line if it is {@link Flushable}
   * @param clock the wall clock for {@code _aws.Timestamp}
   */
  public EmbeddedMetricFormat(Appendable out, Clock clock) {
    this(out, clock, NAMESPACE);
  }

  /** The same, with another namespace (one per deployment, e.g. {@code fenceq-staging}). */
  public EmbeddedMetricFormat(Appendable out, Clock clock, String namespace) {
    this.out = Objects.requireNonNull(out, "out");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (namespace == null || namespace.isBlank() || namespace.length() > 255) {
      throw new IllegalArgumentException(
          "namespace must be 1 to 255 characters and not blank, got " + namespace);
    }
    this.namespace = namespace;
  }

  /** Lines to {@code System.out} with the system clock: what a Lambda function wants. */
  public static EmbeddedMetricFormat toStdout() {
    return new EmbeddedMetricFormat(System.out, Clock.systemUTC());
  }

  @Override
  public void count(String name, long n, Map<String, String> dimensions) {
    ObjectNode line = line(name, "Count", dimensions);
    line.put(name, n);
    write(line);
  }

  @Override
  public void timing(String name, Duration duration, Map<String, String> dimensions) {
    ObjectNode line = line(name, "Milliseconds", dimensions);
    line.put(name, duration.toNanos() / 1_000_000.0);
    write(line);
  }

  /** Lines that could not be written. */
  public long failedWrites() {
    return failedWrites.get();
  }

  private ObjectNode line(String name, String unit, Map<String, String> dimensions) {
    // Sorted, so that equal dimension sets always read the same and group as one metric.
    Map<String, String> dims = new TreeMap<>();
    dimensions.forEach(
        (k, v) -> {
          if (k != null && v != null && !k.equals(name) && !k.equals("_aws")) {
            dims.put(k, v);
          }
        });
    ArrayNode dimensionSet = NODES.arrayNode();
    dims.keySet().forEach(dimensionSet::add);
    ObjectNode metric = NODES.objectNode().put("Name", name).put("Unit", unit);
    ObjectNode directive = NODES.objectNode().put("Namespace", namespace);
    directive.putArray("Dimensions").add(dimensionSet);
    directive.putArray("Metrics").add(metric);
    ObjectNode aws = NODES.objectNode().put("Timestamp", clock.millis());
    aws.putArray("CloudWatchMetrics").add(directive);
    ObjectNode line = NODES.objectNode();
    line.set("_aws", aws);
    dims.forEach(line::put);
    return line;
  }

  private void write(ObjectNode line) {
    String text = Json.write(line) + System.lineSeparator();
    synchronized (this) {
      try {
        out.append(text);
        if (out instanceof Flushable f) {
          f.flush();
        }
        if (out instanceof PrintStream ps && ps.checkError()) {
          failedWrites.incrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        failedWrites.incrementAndGet();
      }
    }
  }

  @Override
  public String toString() {
    return "EmbeddedMetricFormat[namespace=" + namespace + "]";
  }
}
