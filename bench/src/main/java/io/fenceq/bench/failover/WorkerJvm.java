package io.fenceq.bench.failover;

import io.fenceq.worker.WorkerMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link WorkerMain} in a JVM of its own, configured by its environment as ECS runs it. */
final class WorkerJvm implements AutoCloseable {
  private static final Pattern WORKER_ID = Pattern.compile("event=worker_started worker=(\\S+)");

  private final Process process;
  private final Path log;

  private WorkerJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static WorkerJvm start(Map<String, String> environment, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                WorkerMain.class.getName()));
    builder.environment().keySet().removeIf(k -> k.startsWith("FENCEQ_") || k.startsWith("AWS_"));
    builder.environment().putAll(environment);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    return new WorkerJvm(builder.start(), log);
  }

  /** The worker's owner id in lane leases once it has started, else null. */
  String workerId() {
    try {
      Matcher m = WORKER_ID.matcher(Files.readString(log, StandardCharsets.UTF_8));
      return m.find() ? m.group(1) : null;
    } catch (IOException e) {
      return null;
    }
  }

  Path log() {
    return log;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
