package io.fenceq.testing.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signals for workers that run as processes of their own ({@link WorkerJvm}): {@link #kill9}
 * (SIGKILL: the process is gone at once, no shutdown hook runs, no lease is released), {@link
 * #stop} (SIGSTOP: frozen whole, CPU, timers and network alike, the truest model of a long GC
 * pause) and {@link #cont} (SIGCONT: it carries on as if no time had passed, with the leases and
 * fences it held). Unix only: stop and continue run the {@code kill} program. Thread-safe; counts
 * the signals it sent.
 */
public final class ProcessFaults {
  private static final List<Path> KILL_LOCATIONS =
      List.of(Path.of("/bin/kill"), Path.of("/usr/bin/kill"));
  private static final long KILL_PROGRAM_TIMEOUT_SECONDS = 30;

  private final AtomicLong kills = new AtomicLong();
  private final AtomicLong stops = new AtomicLong();
  private final AtomicLong continues = new AtomicLong();

  public ProcessFaults() {}

  /**
   * SIGKILL ({@link ProcessHandle#destroyForcibly()}), also for a stopped process.
   *
   * @return completes when the process has exited
   * @throws IllegalStateException if the platform cannot kill it
   */
  public CompletableFuture<ProcessHandle> kill9(ProcessHandle process) {
    Objects.requireNonNull(process, "process");
    if (!process.destroyForcibly() && process.isAlive()) {
      throw new IllegalStateException("cannot SIGKILL process " + process.pid());
    }
    kills.incrementAndGet();
    return process.onExit();
  }

  /**
   * SIGSTOP: the process stops running until {@link #cont}.
   *
   * @throws IllegalStateException if there is no {@code kill} program or it failed, with its output
   */
  public void stop(long pid) {
    signal("STOP", pid);
    stops.incrementAndGet();
  }

  /** SIGCONT: a stopped process runs again. */
  public void cont(long pid) {
    signal("CONT", pid);
    continues.incrementAndGet();
  }

  public long kills() {
    return kills.get();
  }

  public long stops() {
    return stops.get();
  }

  public long continues() {
    return continues.get();
  }

  /** The {@code kill} program: /bin/kill, /usr/bin/kill, else the first on {@code PATH}. */
  static Optional<Path> killProgram() {
    List<Path> candidates = new ArrayList<>(KILL_LOCATIONS);
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(java.io.File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "kill"));
        }
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  private static void signal(String signal, long pid) {
    Path kill =
        killProgram()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "SIG"
                            + signal
                            + " of process "
                            + pid
                            + " needs the kill program, found neither in "
                            + KILL_LOCATIONS
                            + " nor on PATH="
                            + System.getenv("PATH")));
    try {
      Process process =
          new ProcessBuilder(kill.toString(), "-" + signal, Long.toString(pid))
              .redirectErrorStream(true)
              .start();
      if (!process.waitFor(KILL_PROGRAM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            kill + " -" + signal + " " + pid + " did not finish within 30 s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            kill
                + " -"
                + signal
                + " "
                + pid
                + " failed with status "
                + process.exitValue()
                + ": "
                + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(kill + " -" + signal + " " + pid + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending SIG" + signal + " to " + pid, e);
    }
  }
}
