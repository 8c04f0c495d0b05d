package io.fenceq.tests.engine;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.worker.WorkerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link WorkerMain} in a JVM of its own, configured only by its environment, as ECS runs it, with
 * the test class path (so it finds {@link StepJournal.Factory}) and its output in a file.
 */
final class WorkerProcess implements AutoCloseable {
  private static final Pattern WORKER_ID = Pattern.compile("event=worker_started worker=(\\S+)");

  private final Process process;
  private final Path output;

  private WorkerProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts a worker on {@code stack} running {@link StepJournal} jobs. */
  static WorkerProcess start(TestAws aws, TestStack stack, String name) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(aws.awsEnvironment());
    env.put(ConsumerConfig.QUEUE_URL, stack.workQueueUrl());
    env.put(ConsumerConfig.DLQ_URL, stack.dlqUrl());
    env.put(ConsumerConfig.LEASE_TABLE, stack.leaseTable());
    env.put(ConsumerConfig.LANES, Integer.toString(stack.lanes()));
    env.put(InventoryHandlers.INVENTORY_TABLE, stack.inventoryTable());
    env.put(ConsumerConfig.HANDLER, StepJournal.Factory.class.getName());
    env.put(ConsumerConfig.CONCURRENCY, "2");
    env.put(ConsumerConfig.MAX_LANES_IN_FLIGHT, "16");
    env.put(ConsumerConfig.LEASE_SECONDS, "5");
    env.put(ConsumerConfig.SHUTDOWN_SECONDS, "10");
    env.put(ConsumerConfig.RECEIVE_WAIT_SECONDS, "2");
    Path output = Files.createTempFile(Path.of("target"), name + "-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xmx256m",
            "-cp",
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            WorkerMain.class.getName());
    builder.environment().keySet().removeIf(k -> k.startsWith("FENCEQ_") || k.startsWith("AWS_"));
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(output.toFile());
    return new WorkerProcess(builder.start(), output);
  }

  /** Everything the process printed so far. */
  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + output + ": " + e + ")";
    }
  }

  /** The worker's owner id in lane leases, once it has started. */
  String workerId() {
    Matcher m = WORKER_ID.matcher(output());
    return m.find() ? m.group(1) : null;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM, as ECS stops a task. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: the process ends at once, whatever it was doing. */
  void kill() {
    process.destroyForcibly();
  }

  /**
   * @return the exit status
   * @throws AssertionError if it has not exited within {@code limit}
   */
  int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          "the worker process did not exit within " + limit.toSeconds() + " s:\n" + output());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
