package io.fenceq.bench.redlock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Independent {@code redis-server} processes on loopback ports, without persistence; or a primary
 * and its replica ({@link #primaryWithReplica}), a replica of a given port ({@link #replicaOf}), or
 * servers one of which runs on a clock that can jump ({@link #withJumpingClock}).
 */
final class RedisServers implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Thread hook = new Thread(this::stop, "bench-redis-stop");

  RedisServers(Path binary, int count, Path logDir) throws IOException, InterruptedException {
    this(binary, count, logDir, true, false, -1, -1, null);
  }

  private RedisServers(
      Path binary,
      int count,
      Path logDir,
      boolean firstIsPrimary,
      boolean replicated,
      int primaryPort,
      int jumpingIndex,
      ClockJump clock)
      throws IOException, InterruptedException {
    Runtime.getRuntime().addShutdownHook(hook);
    java.nio.file.Files.createDirectories(logDir);
    for (int i = 0; i < count; i++) {
      int port = freePort();
      List<String> command =
          new ArrayList<>(
              List.of(
                  binary.toString(),
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no"));
      if (replicated) {
        // The sync goes over the socket; the replica keeps the received snapshot in a directory
        // of its own, where no later server would load it.
        Path dir = java.nio.file.Files.createDirectories(logDir.resolve("redis-" + port));
        command.addAll(
            List.of(
                "--repl-diskless-sync",
                "yes",
                "--repl-diskless-sync-delay",
                "0",
                "--dir",
                dir.toString()));
        if (i > 0 || !firstIsPrimary) {
          int of = firstIsPrimary ? ports.get(0) : primaryPort;
          command.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(of)));
        }
      }
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(logDir.resolve("redis-" + port + ".log").toFile());
      if (i == jumpingIndex) {
        builder.environment().putAll(clock.environment());
      }
      Process p = builder.start();
      processes.add(p);
      ports.add(port);
    }
    for (int port : ports) {
      awaitPong(port);
    }
  }

  /** A primary ({@code ports().get(0)}) and one replica of it ({@code ports().get(1)}). */
  static RedisServers primaryWithReplica(Path binary, Path logDir)
      throws IOException, InterruptedException {
    return new RedisServers(binary, 2, logDir, true, true, -1, -1, null);
  }

  /** One server that can be a primary: it keeps a replica's snapshot in a directory of its own. */
  static RedisServers replicable(Path binary, Path logDir)
      throws IOException, InterruptedException {
    return new RedisServers(binary, 1, logDir, true, true, -1, -1, null);
  }

  /** One replica of the server (or proxy) on {@code primaryPort}. */
  static RedisServers replicaOf(Path binary, int primaryPort, Path logDir)
      throws IOException, InterruptedException {
    return new RedisServers(binary, 1, logDir, false, true, primaryPort, -1, null);
  }

  /** {@code count} independent servers; the one at {@code jumping} runs on {@code clock}. */
  static RedisServers withJumpingClock(
      Path binary, int count, int jumping, ClockJump clock, Path logDir)
      throws IOException, InterruptedException {
    return new RedisServers(binary, count, logDir, true, false, -1, jumping, clock);
  }

  /** Kills every process at once (SIGKILL): a crash, nothing flushed to replicas. */
  void kill() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  List<Integer> ports() {
    return ports;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitPong(int port) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        OutputStream out = s.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] b = new byte[7];
        int n = in.read(b);
        if (n > 0 && new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "redis-server on 127.0.0.1:" + port + " did not answer PING within 20 s");
  }

  private void stop() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down and runs the hook
    }
  }
}
