package io.fenceq.local.demo;

import io.fenceq.engine.Job;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Where a worker process's handler meets the demo's signals: a handshake through files in a
 * directory both processes see, so that SIGKILL and SIGSTOP strike a worker JVM mid-write.
 *
 * <ol>
 *   <li>The demo arms a worker: {@code <worker>.arm} holds {@code crash} or {@code pause}.
 *   <li>The worker's handler claims it at the matching point of its next job, on the job's thread:
 *       a pause just before the write, with the lane's fence in hand; a crash just after the write
 *       was accepted, before the job is deleted. It writes {@code <worker>.at} ({@code <point>
 *       <sku> <n>}) and waits for the signal, polling the file.
 *   <li>The demo sees {@code <worker>.at} and sends SIGKILL or SIGSTOP. After a SIGSTOP it removes
 *       {@code <worker>.at}, so that the handler, once continued, goes on with its write.
 *   <li>The handler records the resumed write's outcome in {@code <worker>.outcome-<n>}: {@code
 *       FENCED} when the fence refused the zombie.
 * </ol>
 *
 * <p>A handler that waits {@link #SIGNAL_WAIT} in vain goes on as if nothing was armed.
 */
final class FaultPoints {
  /** Longest a handler at an armed point waits for its signal. */
  static final Duration SIGNAL_WAIT = Duration.ofSeconds(30);

  private static final long POLL_MILLIS = 10;

  /** Where a fault strikes in a job. */
  enum Point {
    /** Fence in hand, before the write is sent. */
    PAUSE,
    /** After the write was accepted, before the job is deleted. */
    CRASH
  }

  /** A worker waiting at a point for its signal. */
  record Arrival(Point point, String sku, int n) {}

  private final Path directory;
  private final ThreadLocal<Integer> pausedJob = new ThreadLocal<>();

  FaultPoints(Path directory) {
    this.directory = directory;
  }

  Path directory() {
    return directory;
  }

  // The demo's side.

  /** Arms {@code worker} for a fault at its next job's {@code point}. */
  void arm(String worker, Point point) {
    writeAtomically(file(worker, ".arm"), point.name());
  }

  boolean armed(String worker) {
    return Files.exists(file(worker, ".arm"));
  }

  /** The point {@code worker} waits at for its signal, if any. */
  Optional<Arrival> arrival(String worker) {
    Optional<String> text = read(file(worker, ".at"));
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String[] parts = text.get().strip().split(" ");
    if (parts.length != 3) {
      return Optional.empty(); // written but not complete: the atomic move makes this rare
    }
    return Optional.of(new Arrival(Point.valueOf(parts[0]), parts[1], Integer.parseInt(parts[2])));
  }

  /**
   * Takes back an arming no handler has claimed yet.
   *
   * @return false if there was none: the worker's handler may have claimed it already
   */
  boolean disarm(String worker) {
    return delete(file(worker, ".arm"));
  }

  /** Lets a stopped worker's handler go on once continued. */
  void release(String worker) {
    delete(file(worker, ".at"));
  }

  /** Resumed writes the fence refused, over every worker. */
  long fencedResumes() {
    try (var files = Files.list(directory)) {
      return files
          .filter(f -> f.getFileName().toString().contains(".outcome-"))
          .filter(f -> read(f).map(t -> t.strip().equals("FENCED")).orElse(false))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list fault points in " + directory, e);
    }
  }

  // The worker's side.

  /**
   * The hooks a worker's handler calls: claim the armed point, announce it, wait for the signal.
   */
  Reservations.WriteHooks hooks(String worker) {
    return at((point, job) -> meet(worker, point, job));
  }

  /**
   * Write hooks that tell {@code meet} each job's points: {@link Point#PAUSE} before its write,
   * {@link Point#CRASH} after it. The one place that says where in a job each point is.
   */
  static Reservations.WriteHooks at(BiConsumer<Point, Job> meet) {
    return new Reservations.WriteHooks() {
      @Override
      public void beforeWrite(String name, Job job) {
        meet.accept(Point.PAUSE, job);
      }

      @Override
      public void afterWrite(String name, Job job) {
        meet.accept(Point.CRASH, job);
      }
    };
  }

  /** Records the outcome of a write that was paused, so that the demo can count fenced zombies. */
  void outcome(String worker, int n, Attempt.Outcome outcome) {
    writeAtomically(file(worker, ".outcome-" + n), outcome.name());
  }

  private void meet(String worker, Point point, Job job) {
    Path arm = file(worker, ".arm");
    if (!Files.exists(arm) || !read(arm).map(t -> t.strip().equals(point.name())).orElse(false)) {
      return;
    }
    if (!delete(arm)) {
      return; // another of the worker's jobs claimed it
    }
    Path at = file(worker, ".at");
    int n = job.payload().path("n").asInt(-1);
    writeAtomically(at, point.name() + " " + job.key() + " " + n);
    long deadline = System.nanoTime() + SIGNAL_WAIT.toNanos();
    try {
      while (Files.exists(at) && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // waiting for a signal from another process
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delete(at);
    if (point == Point.PAUSE) {
      pausedJob.set(n);
    }
  }

  /** The job this thread was paused in, once, if any: its write's outcome is recorded. */
  Optional<Integer> takePausedJob() {
    Integer n = pausedJob.get();
    pausedJob.remove();
    return Optional.ofNullable(n);
  }

  private Path file(String worker, String suffix) {
    return directory.resolve(worker + suffix);
  }

  private void writeAtomically(Path target, String text) {
    try {
      Path temporary = Files.createTempFile(directory, ".tmp-", "");
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write fault point " + target, e);
    }
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read fault point " + file, e);
    }
  }

  private static boolean delete(Path file) {
    try {
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete fault point " + file, e);
    }
  }
}
