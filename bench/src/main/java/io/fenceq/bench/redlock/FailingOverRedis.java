package io.fenceq.bench.redlock;

import io.fenceq.testing.faults.FaultProxy;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A Redis primary and a replica that replicates through a proxy, failed over on demand the way a
 * sentinel or a managed service does: replication falls behind, the primary dies, the replica is
 * promoted with {@code REPLICAOF NO ONE}, the clients' proxies point at it and a new replica of it
 * is attached. Whatever the primary accepted during the lag is lost, lock keys included.
 */
final class FailingOverRedis implements AutoCloseable {
  private final Path binary;
  private final Path logDir;
  private final Duration lag;
  private final List<FaultProxy> clientProxies = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private RedisServers primary;
  private int primaryPort;
  private RedisServers replica;
  private FaultProxy link;
  private Faults linkFaults;

  FailingOverRedis(Path binary, Path logDir, Duration lag)
      throws IOException, InterruptedException {
    this.binary = binary;
    this.logDir = logDir;
    this.lag = lag;
    primary = RedisServers.replicable(binary, logDir);
    closing.add(primary);
    primaryPort = primary.ports().get(0);
    attachReplica();
  }

  /** A proxy for one client to whichever server is the primary; its bytes wait under faults. */
  synchronized FaultProxy proxy(Faults faults) throws IOException {
    FaultProxy p = faults.proxy("redis-client-" + clientProxies.size(), primaryPort);
    clientProxies.add(p);
    closing.add(p);
    return p;
  }

  /**
   * Replication held for the lag, the primary killed, the replica promoted and the clients sent to
   * it; {@link #attachReplica} then gives it a replica of its own.
   */
  synchronized void failover() throws IOException, InterruptedException {
    linkFaults.hold(Duration.ofDays(1));
    Thread.sleep(lag.toMillis()); // what the primary accepts now never reaches the replica
    primary.kill();
    link.close(); // resets the link: the bytes the proxy still holds are lost
    int promoted = replica.ports().get(0);
    on(promoted, RedisCommands::replicaofNoOne);
    for (FaultProxy p : clientProxies) {
      p.retarget(URI.create("tcp://127.0.0.1:" + promoted));
    }
    primary = replica;
    primaryPort = promoted;
  }

  /** Starts a replica of the primary, through a proxy that can hold replication, and syncs it. */
  synchronized void attachReplica() throws IOException, InterruptedException {
    linkFaults = new Faults();
    link = linkFaults.proxy("redis-replication", primaryPort);
    closing.add(link);
    replica = RedisServers.replicaOf(binary, link.port(), logDir);
    closing.add(replica);
    int port = replica.ports().get(0);
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      StringBuilder info = new StringBuilder();
      on(port, c -> info.append(c.info("replication")));
      if (info.indexOf("master_link_status:up") >= 0) {
        return;
      }
      if (System.nanoTime() > until) {
        throw new IllegalStateException(
            "the replica on 127.0.0.1:" + port + " did not sync with " + primaryPort + " in 20 s");
      }
      Thread.sleep(50);
    }
  }

  private static void on(int port, Consumer<RedisCommands<String, String>> command) {
    RedisClient client =
        RedisClient.create(
            RedisURI.builder()
                .withHost("127.0.0.1")
                .withPort(port)
                .withTimeout(Duration.ofSeconds(3))
                .build());
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      command.accept(c.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : closing) {
      try {
        c.close();
      } catch (Exception e) {
        // shutting down
      }
    }
  }
}
