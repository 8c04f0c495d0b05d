package io.fenceq.bench.redlock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A clock that jumps forward, for one {@code redis-server}: libfaketime (Debian package {@code
 * faketime}) preloaded, reading its offset from a file on every call. Debian's redis-server
 * allocates with jemalloc, which calls {@code clock_gettime} while libfaketime initialises and
 * hangs it; glibc's {@code libc_malloc_debug} preloaded first gives the process glibc's allocator
 * instead, and then libfaketime initialises.
 */
final class ClockJump {
  private static final List<Path> LIB_DIRS =
      List.of(
          Path.of("/usr/lib/x86_64-linux-gnu"),
          Path.of("/lib/x86_64-linux-gnu"),
          Path.of("/usr/lib/aarch64-linux-gnu"),
          Path.of("/lib/aarch64-linux-gnu"),
          Path.of("/usr/lib64"),
          Path.of("/usr/lib"),
          Path.of("/usr/local/lib"));

  private final Path faketime;
  private final Path mallocDebug;
  private final Path offsetFile;
  private long offsetSeconds;

  private ClockJump(Path faketime, Path mallocDebug, Path offsetFile) {
    this.faketime = faketime;
    this.mallocDebug = mallocDebug;
    this.offsetFile = offsetFile;
  }

  /** The clock, or empty when libfaketime or glibc's malloc_debug is not installed. */
  static Optional<ClockJump> find(Path offsetFile) throws IOException {
    Optional<Path> faketime = library("faketime/libfaketime.so.1");
    Optional<Path> mallocDebug = library("libc_malloc_debug.so.0");
    if (faketime.isEmpty() || mallocDebug.isEmpty()) {
      return Optional.empty();
    }
    ClockJump clock = new ClockJump(faketime.get(), mallocDebug.get(), offsetFile);
    Files.createDirectories(offsetFile.toAbsolutePath().getParent());
    clock.write();
    return Optional.of(clock);
  }

  private static Optional<Path> library(String name) {
    return LIB_DIRS.stream().map(d -> d.resolve(name)).filter(Files::isReadable).findFirst();
  }

  /** What the server's process needs in its environment to run on this clock. */
  Map<String, String> environment() {
    return Map.of(
        "LD_PRELOAD",
        mallocDebug + " " + faketime,
        "FAKETIME_TIMESTAMP_FILE",
        offsetFile.toAbsolutePath().toString(),
        "FAKETIME_NO_CACHE",
        "1");
  }

  /** Moves the clock forward by {@code d} (whole seconds), from now on. */
  synchronized void forward(Duration d) throws IOException {
    offsetSeconds += d.toSeconds();
    write();
  }

  /** Replaced in one rename: the server reads the file on every clock call, never half of it. */
  private void write() throws IOException {
    Path tmp = offsetFile.resolveSibling(offsetFile.getFileName() + ".tmp");
    Files.writeString(tmp, "+" + offsetSeconds + "s\n");
    Files.move(
        tmp, offsetFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
