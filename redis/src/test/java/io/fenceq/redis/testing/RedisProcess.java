package io.fenceq.redis.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, optionally a replica of
 * another; killed, paused and resumed by signal. Every wait is a bounded poll.
 */
public final class RedisProcess implements AutoCloseable {
  private static final Path BINARY =
      Path.of(System.getenv().getOrDefault("FENCEQ_REDIS_SERVER", "/usr/bin/redis-server"));
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final RedisClient client;
  private StatefulRedisConnection<String, String> admin;

  private RedisProcess(Process process, int port) {
    this.process = process;
    this.port = port;
    this.client =
        RedisClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(port)
                .withTimeout(Duration.ofSeconds(5))
                .build());
  }

  /** A primary. */
  public static RedisProcess primary(Path logDir) throws IOException {
    return start(logDir, null);
  }

  /** A replica of {@code primary}, once its link to it is up. */
  public static RedisProcess replicaOf(RedisProcess primary, Path logDir) throws IOException {
    RedisProcess replica = start(logDir, primary);
    replica.await(
        "replication link up",
        () -> replica.admin().sync().info("replication").contains("master_link_status:up"));
    return replica;
  }

  private static RedisProcess start(Path logDir, RedisProcess primaryOf) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY
              + " is missing: install the Debian package redis-server, or set FENCEQ_REDIS_SERVER");
    }
    Files.createDirectories(logDir);
    int port = freePort();
    // A directory of its own: a full resync writes dump.rdb there, which a later server started
    // in the same directory would load.
    Path dir = Files.createDirectories(logDir.resolve("redis-" + port + "-" + System.nanoTime()));
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            BINARY.toString(),
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--repl-diskless-sync",
            "yes",
            "--repl-diskless-sync-delay",
            "0",
            "--dir",
            dir.toString()));
    if (primaryOf != null) {
      command.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primaryOf.port)));
    }
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    RedisProcess redis = new RedisProcess(p, port);
    redis.await("PONG", redis::answersPing);
    return redis;
  }

  public int port() {
    return port;
  }

  public RedisClient client() {
    return client;
  }

  /** A connection for the test's own commands (INFO, GET, REPLICAOF); closed with this. */
  public synchronized StatefulRedisConnection<String, String> admin() {
    if (admin == null) {
      admin = client.connect();
    }
    return admin;
  }

  /** SIGKILL: the process dies at once, with whatever it had not replicated. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("redis-server on port " + port + " survived SIGKILL");
    }
  }

  /** SIGSTOP: the process stops answering and replicating until {@link #resume()}. */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** SIGCONT. */
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  /** {@code REPLICAOF NO ONE}: this replica becomes a primary with what it has. */
  public void promote() {
    admin().sync().replicaofNoOne();
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
    }
  }

  private boolean answersPing() {
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return "PONG".equals(c.sync().ping());
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Polls {@code condition} until it holds, for at most 60 s. */
  public void await(String what, BooleanSupplier condition) {
    long until = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() - until < 0) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for " + what, e);
      }
    }
    throw new IllegalStateException(
        "redis-server on port "
            + port
            + ": no "
            + what
            + " within "
            + START_LIMIT.toSeconds()
            + " s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      try {
        admin.close();
      } catch (RuntimeException e) {
        // the server may be dead already
      }
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    if (process.isAlive()) {
      try {
        new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor();
      } catch (IOException e) {
        // destroyForcibly below still ends it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }
}
