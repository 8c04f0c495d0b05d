package io.fenceq.worker.internal;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a worker should be replaced: it turns unhealthy, for good, once {@link
 * ConsumerConfig#unhealthyWrittenOffThreads()} handler threads were written off (each ignored the
 * interrupt at its job's time limit and may run for ever). A container health check sees it through
 * {@link ConsumerConfig#healthFile()}: the file exists from the start until the worker turns
 * unhealthy.
 *
 * <p>Thread-safe: the engine reports write-offs on its scheduler's threads.
 */
public final class WorkerHealth {
  private static final Logger log = LoggerFactory.getLogger(WorkerHealth.class);

  private final String workerId;
  private final String queueUrl;
  private final int threshold;
  private final Path file;
  private final AtomicInteger writtenOff = new AtomicInteger();
  private volatile boolean healthy = true;

  public WorkerHealth(ConsumerConfig config, String workerId) {
    this.workerId = workerId;
    this.queueUrl = config.engine().queueUrl();
    this.threshold = config.unhealthyWrittenOffThreads();
    this.file = config.healthFile().orElse(null);
  }

  /**
   * The worker starts: writes the health file, if there is one.
   *
   * @throws ConsumerConfigException naming the file if it cannot be written: a health check would
   *     fail on every run of this worker
   */
  public void started() {
    if (file == null) {
      return;
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, "healthy worker=" + workerId + "\n");
    } catch (IOException | RuntimeException e) {
      throw new ConsumerConfigException(
          ConsumerConfig.HEALTH_FILE + " " + file + " cannot be written: " + e);
    }
  }

  /** A handler thread was written off; turns the worker unhealthy at the threshold. */
  public void threadWrittenOff() {
    int count = writtenOff.incrementAndGet();
    if (count < threshold || !healthy) {
      return;
    }
    healthy = false;
    boolean deleted = false;
    String failure = null;
    if (file != null) {
      try {
        deleted = Files.deleteIfExists(file);
      } catch (IOException | RuntimeException e) {
        failure = e.toString();
      }
    }
    log.error(
        "event=worker_unhealthy worker={} queue={} threadsWrittenOff={} threshold={}"
            + " healthFile={} deleted={} error=\"{}\" effect=\"a health check on the file fails;"
            + " replace this worker: each written-off thread may run for ever\"",
        workerId,
        queueUrl,
        count,
        threshold,
        file == null ? "-" : file,
        deleted,
        failure == null ? "-" : failure);
  }

  /** False once the threshold of written-off threads was reached. */
  public boolean healthy() {
    return healthy;
  }

  /** Handler threads written off so far. */
  public int threadsWrittenOff() {
    return writtenOff.get();
  }
}
