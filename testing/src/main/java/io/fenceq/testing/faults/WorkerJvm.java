package io.fenceq.testing.faults;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ECS worker ({@code fenceq-worker}'s {@code WorkerMain}, what {@code fenceq worker} runs) in a
 * JVM of its own, configured only by its environment as ECS runs it, with this JVM's class path and
 * its output in a file. Crash it with {@link ProcessFaults}: {@code faults.kill9(jvm.handle())},
 * {@code faults.stop(jvm.pid())}.
 *
 * <p>It is the one launcher for any fenceq JVM a test needs: {@link Builder#main} runs another main
 * class ({@code fenceq local}, a Lambda cold-start probe), {@link Builder#classPath} another class
 * path (a deployment package), {@link Builder#jvmOptions} other flags.
 *
 * <pre>{@code
 * try (WorkerJvm worker = WorkerJvm.builder().name("w2").environment(aws.environment()).start()) {
 *   ...
 * }
 * }</pre>
 */
public final class WorkerJvm implements Closeable {
  /** The ECS worker's entry point, the default main class. */
  public static final String WORKER_MAIN = "io.fenceq.worker.WorkerMain";

  private static final Pattern WORKER_ID = Pattern.compile("event=worker_started worker=(\\S+)");

  private final String name;
  private final Process process;
  private final Path output;

  private WorkerJvm(String name, Process process, Path output) {
    this.name = name;
    this.process = process;
    this.output = output;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The class path of this JVM: under Maven Surefire its test class path, else {@code
   * java.class.path}, which the {@code fenceq} launcher's wildcard has already expanded.
   */
  public static String currentClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  public String name() {
    return name;
  }

  public Process process() {
    return process;
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public long pid() {
    return process.pid();
  }

  /** Where its standard output and error go. */
  public Path outputFile() {
    return output;
  }

  /** Everything the process printed so far. */
  public String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + output + ": " + e + ")";
    }
  }

  /** The worker's owner id in lane leases, once it has logged its start. */
  public Optional<String> workerId() {
    Matcher m = WORKER_ID.matcher(output());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM, as ECS stops a task: the worker shuts down gracefully. */
  public void terminate() {
    process.destroy();
  }

  /**
   * @return the exit status
   * @throws IllegalStateException naming the process and its output file if it has not exited
   *     within {@code limit}
   */
  public int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "worker process "
              + name
              + " (pid "
              + pid()
              + ") did not exit within "
              + limit
              + "; its output is in "
              + output);
    }
    return process.exitValue();
  }

  /** Kills it if still running (SIGKILL, which also ends a stopped process) and waits. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "WorkerJvm[" + name + " pid=" + pid() + (alive() ? "" : " exited") + "]";
  }

  /** Settings of a {@link WorkerJvm}; only the environment is required. */
  public static final class Builder {
    private String name = "worker";
    private Map<String, String> environment;
    private String classPath;
    private String mainClass = WORKER_MAIN;
    private List<String> arguments = List.of();
    private List<String> jvmOptions =
        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");
    private Path outputDirectory;

    private Builder() {}

    /** Names the output file and errors; default {@code worker}. */
    public Builder name(String name) {
      if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "name must be letters, digits, '.', '_' or '-', was '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /**
     * The whole fenceq and AWS configuration: {@code FENCEQ_*} and {@code AWS_*} variables this JVM
     * has are not passed on, only these (and the rest of this JVM's environment).
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /** Default {@link #currentClassPath()}. */
    public Builder classPath(String classPath) {
      this.classPath = Objects.requireNonNull(classPath, "classPath");
      return this;
    }

    /** The main class and its arguments; default {@link #WORKER_MAIN} without arguments. */
    public Builder main(String mainClass, List<String> arguments) {
      this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
      this.arguments = List.copyOf(arguments);
      return this;
    }

    /** Default: a small heap and quick startup. */
    public Builder jvmOptions(List<String> jvmOptions) {
      this.jvmOptions = List.copyOf(jvmOptions);
      return this;
    }

    /** Where the output file goes; default the temporary directory. */
    public Builder outputDirectory(Path directory) {
      this.outputDirectory = Objects.requireNonNull(directory, "outputDirectory");
      return this;
    }

    /**
     * @throws IllegalArgumentException if no environment was given
     * @throws UncheckedIOException if the JVM cannot be started
     */
    public WorkerJvm start() {
      if (environment == null) {
        throw new IllegalArgumentException("invalid WorkerJvm setting environment: null");
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classPath != null ? classPath : currentClassPath());
      command.add(mainClass);
      command.addAll(arguments);
      try {
        Path directory =
            outputDirectory != null
                ? outputDirectory
                : Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(directory);
        Path output = Files.createTempFile(directory, "fenceq-" + name + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("FENCEQ_") || k.startsWith("AWS_"));
        env.putAll(new LinkedHashMap<>(environment));
        builder.redirectErrorStream(true).redirectOutput(output.toFile());
        return new WorkerJvm(name, builder.start(), output);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot start worker process " + name + ": " + e.getMessage(), e);
      }
    }
  }
}
