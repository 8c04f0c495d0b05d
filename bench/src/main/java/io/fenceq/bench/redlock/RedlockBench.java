package io.fenceq.bench.redlock;

import io.fenceq.bench.support.BenchClients;
import io.fenceq.bench.support.Report;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.engine.JobHandler;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.local.LocalAws;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.redis.FencedRedisLock;
import io.fenceq.redis.RedisAcquireResult;
import io.fenceq.redis.RedisLockConfig;
import io.fenceq.redis.RedisLockHandle;
import io.fenceq.testing.faults.FaultProxy;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.redisson.Redisson;
import org.redisson.RedissonRedLock;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@code bench/run redlock}: the same booking critical section under five locks, with the same
 * faults on one of three workers: Redisson's Redlock over three Redis servers, Redisson's plain
 * {@code RLock} and its {@code RFencedLock} on one Redis (the token written through {@code
 * DynamoDbFence}), fenceq-redis's fenced lock on a primary with one replica, its writes through
 * {@code DynamoDbFence}, and fenceq's fenced lane lease. Faults: 200 ms partitions and stalls
 * longer than the lock TTL (every contender); a primary failover with replication lag (the
 * single-Redis locks); a clock jumping forward on one of Redlock's servers (Redlock). Counts double
 * bookings and oversells from the stock left and the sales counted.
 */
public final class RedlockBench {
  private static final int WORKERS = 3;
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration PARTITION = Duration.ofMillis(200);
  private static final Duration PAUSE = TTL.multipliedBy(3).dividedBy(2);
  private static final Duration WORK = Duration.ofMillis(5);
  private static final Duration REPLICATION_LAG = Duration.ofMillis(300);
  private static final Duration CLOCK_JUMP = TTL.multipliedBy(2);
  private static final Duration CLOCK_JUMP_WORK = Duration.ofMillis(100);
  private static final BigInteger WRITES_PER_TOKEN = BigInteger.TEN.pow(19);
  private static final String BOOK = "book";

  private final Report report;
  private final Path redisServer;
  private final Duration limit;
  private final Duration failoverEvery;
  private final int skus;
  private final long stock;
  private final Path logs = Path.of("bench", "target", "redlock-logs");

  public RedlockBench(Report report, boolean smoke, Path redisServer, int seconds) {
    this.report = report;
    this.redisServer = redisServer;
    this.limit = Duration.ofSeconds(smoke ? 5 : seconds);
    this.failoverEvery = smoke ? Duration.ofMillis(2000) : Duration.ofSeconds(10);
    this.skus = smoke ? 4 : 8;
    this.stock = smoke ? 15 : 100;
  }

  /** The single-Redis contenders, under partitions and stalls and under a failover. */
  private enum SingleRedis {
    RLOCK("Redisson RLock (1 Redis, unfenced)", "rk", "rlock"),
    RFENCED("Redisson RFencedLock (1 Redis, token through DynamoDbFence)", "rf", "rfencedlock"),
    FENCED_REDIS("fenceq-redis (fenced lock + DynamoDbFence)", "fr", "fencedredis");

    final String label;
    final String prefix;
    final String result;

    SingleRedis(String label, String prefix, String result) {
      this.label = label;
      this.prefix = prefix;
      this.result = result;
    }
  }

  /** One holder's lock on one SKU, for the length of one critical section. */
  private interface Held {
    /** Writes the booking; false when the store refused it as a superseded holder's. */
    boolean write(UpdateItemRequest booking);

    /** Whether the lock was still this holder's after the write, as far as it can tell. */
    boolean stillHeld();

    void release();
  }

  /** A worker's lock: the held lock on the SKU, or null when it is someone else's. */
  private interface Locker {
    Held tryAcquire(String sku) throws InterruptedException;
  }

  /** Builds worker {@code w}'s lock; what it opens goes to {@code closing}. */
  private interface LockerFactory {
    Locker create(int w, DynamoDbClient dynamoDb, List<AutoCloseable> closing)
        throws IOException, InterruptedException;
  }

  /** Starts the fault thread of a run; it stops when {@code stop} is set or it is interrupted. */
  private interface Injector {
    Thread start(AtomicBoolean stop);
  }

  /** One row of the table and its RESULT figures. */
  private record Measured(String contender, String fault, String resultPrefix, Tally tally) {}

  public void run() throws IOException, InterruptedException {
    // Redisson's watchdog logs each renewal that meets a failed-over server or a client shut down
    // at
    // the end of a run as an ERROR with a stack trace: the faults under test, counted in the table.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.redisson.renewal"))
        .setLevel(ch.qos.logback.classic.Level.OFF);
    report.parameter("workers", WORKERS + " (faults on one of them)");
    report.parameter("SKUs, stock each", skus + ", " + stock);
    report.parameter("lock TTL (Redisson watchdog) = fenceq lease", TTL.toMillis() + " ms");
    report.parameter(
        "partitions and stalls, alternating, every 0.3-0.9 s",
        "partition " + PARTITION.toMillis() + " ms; stall " + PAUSE.toMillis() + " ms (> TTL)");
    report.parameter(
        "failover (single-Redis locks), every " + failoverEvery.toMillis() + " ms",
        "replication held "
            + REPLICATION_LAG.toMillis()
            + " ms, primary killed (SIGKILL), replica promoted (REPLICAOF NO ONE), clients"
            + " reconnected to it, a new replica attached");
    report.parameter(
        "clock jump (Redlock), every 0.3-0.9 s",
        "one of the 3 servers' clocks +"
            + CLOCK_JUMP.toSeconds()
            + " s (libfaketime); worker 0 cut off from another server; 1 SKU, which every"
            + " worker contends for; "
            + CLOCK_JUMP_WORK.toMillis()
            + " ms of work in the section");
    report.parameter(
        "critical section",
        "consistent read of stock, "
            + WORK.toMillis()
            + " ms of work, write stock-1 and count the sale");
    report.parameter(
        "run per contender and fault",
        limit.toSeconds()
            + " s; the locks restock each time every SKU is sold out, fenceq stops early once its"
            + " jobs (1.25 x the stock) are done");
    report.parameter("redis-server", redisServer);
    report.progress(
        "starting 3 redis-server processes, a primary with a replica, and the emulators");
    Optional<ClockJump> clock = ClockJump.find(logs.resolve("faketime-offset"));
    List<Measured> measured = new ArrayList<>();
    try (RedisServers redis = new RedisServers(redisServer, 3, logs);
        RedisServers replicated = RedisServers.primaryWithReplica(redisServer, logs);
        LocalAws aws = LocalAws.builder().stackName("fenceq-redlock").start()) {
      String table = aws.environment().get(InventoryHandlers.INVENTORY_TABLE);
      String faults = "partitions + stalls";
      measured.add(
          new Measured(
              "Redisson Redlock (3 Redis)", faults, "redlock", redlock(aws, table, redis.ports())));
      for (SingleRedis kind : SingleRedis.values()) {
        measured.add(
            new Measured(
                kind.label,
                faults,
                kind.result,
                singleRedis(aws, table, kind, replicated.ports().get(0))));
      }
      measured.add(
          new Measured("fenceq (fenced lane lease)", faults, "fenceq", fenceq(aws, table)));
      for (SingleRedis kind : SingleRedis.values()) {
        measured.add(
            new Measured(
                kind.label,
                "failover",
                kind.result + "_failover",
                singleRedisFailover(aws, table, kind)));
      }
      if (clock.isPresent()) {
        measured.add(
            new Measured(
                "Redisson Redlock (3 Redis)",
                "clock jump",
                "redlock_clockjump",
                redlockClockJump(aws, table, clock.get())));
      } else {
        report.progress(
            "clock jump: skipped, libfaketime (package faketime) or glibc's libc_malloc_debug"
                + " is not installed");
      }
    }
    List<List<String>> rows = new ArrayList<>();
    for (Measured m : measured) {
      rows.add(row(m));
    }
    report.table(
        "Violations under the same faults",
        List.of(
            "contender",
            "fault",
            "faults injected",
            "seconds",
            "critical sections",
            "sales counted",
            "stock sold",
            "double bookings",
            "oversold units",
            "holder lost its lock mid-section (fenced: write refused)",
            "violation rate (per sale)"),
        rows);
    report.note(
        "Reading it",
        """
        A double booking is a sale whose write was accepted while another holder's critical
        section on the same SKU overlapped it: the sales counted exceed what left the stock.
        An unfenced lock (Redlock, RLock) expires while the stalled holder's write is still on
        its way, and nothing downstream can tell the late write from the new holder's. A
        failover loses the lock keys the replica had not received, and a clock jumping forward
        on one Redlock server expires its key early, so a second worker gets a majority while
        the first one, cut off from the third server, is still in its section (the scenario of
        Kleppmann's critique of Redlock). The fenced contenders write with a token: RFencedLock's
        (an INCR beside the lock), fenceq-redis's (an INCR, WAIT for the replica, a floor read
        from the item) or fenceq's lane fence; DynamoDbFence refuses a write whose token is not
        above the item's, so a superseded holder's late write is refused (counted in "holder
        lost its lock"). The fence checks writes, not reads: a late write that lands between
        the new holder's read and its write is still accepted. A token counter that a failover
        sets back can hand out a token the item already saw: the write is then refused (safe,
        a lost sale, no double booking).""");
    Map<String, Object> result = new LinkedHashMap<>();
    for (Measured m : measured) {
      Tally t = m.tally();
      String p = m.resultPrefix();
      if (p.equals("redlock") || p.startsWith("fencedredis") && !p.contains("failover")) {
        result.put(p + "_sellouts", t.rounds);
      }
      result.put(p + "_double_bookings", t.doubleBookings());
      result.put(p + "_oversold", t.overSold);
      result.put(p + "_sales", t.sold);
      result.put(p + "_violation_rate", t.violationRate());
      result.put(p + "_lost_lock", t.lostWhileHeld.sum());
      if (m.fault().equals("partitions + stalls")) {
        result.put(p + "_double_bookings_per_stall", t.perStall());
      }
      if (p.startsWith("fencedredis")) {
        result.put(p + "_not_replicated", t.notReplicated.sum());
      }
    }
    if (clock.isEmpty()) {
      result.put("redlock_clockjump", "skipped");
    }
    for (Measured m : measured) {
      Tally t = m.tally();
      result.put(
          "faults_" + m.resultPrefix(),
          t.partitions.sum() + t.pauses.sum() + t.failovers.sum() + t.clockJumps.sum());
    }
    report.result(result);
  }

  private static List<String> row(Measured m) {
    Tally t = m.tally();
    String injected =
        switch (m.fault()) {
          case "failover" -> t.failovers.sum() + " failovers";
          case "clock jump" -> t.clockJumps.sum() + " clock jumps";
          default -> t.partitions.sum() + " partitions, " + t.pauses.sum() + " stalls";
        };
    return List.of(
        m.contender(),
        m.fault(),
        injected,
        Report.format(t.seconds),
        Long.toString(t.criticalSections.sum()),
        Long.toString(t.sold),
        Long.toString(t.stockSold),
        Long.toString(t.doubleBookings()),
        Long.toString(t.overSold),
        Long.toString(t.lostWhileHeld.sum()),
        Report.format(t.violationRate()));
  }

  private List<String> seed(LocalAws aws, String table, String prefix, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add(prefix + "-sku-" + i);
    }
    new Inventory(aws.dynamoDbClient(), table).seed(keys, stock);
    return keys;
  }

  /** Faults on worker 0 until {@code stop}: a partition, then a stall, and so on. */
  private static Thread injectFaults(Faults faults, Tally tally, AtomicBoolean stop) {
    return Thread.ofPlatform()
        .name("bench-faults")
        .daemon(true)
        .start(
            () -> {
              boolean partition = true;
              while (!stop.get()) {
                try {
                  Thread.sleep(ThreadLocalRandom.current().nextLong(300, 900));
                  faults.hold(partition ? PARTITION : PAUSE);
                  (partition ? tally.partitions : tally.pauses).increment();
                  Thread.sleep((partition ? PARTITION : PAUSE).toMillis());
                } catch (InterruptedException e) {
                  return;
                }
                partition = !partition;
              }
            });
  }

  private void count(LocalAws aws, String table, List<String> keys, Tally tally) {
    for (String sku : keys) {
      long left = Bookings.stock(aws.dynamoDbClient(), table, sku);
      long sold = Bookings.sold(aws.dynamoDbClient(), table, sku);
      tally.sold += sold;
      tally.stockSold += stock - left;
      tally.overSold += Math.max(0, sold - stock);
    }
  }

  // ---- the run of one lock contender ------------------------------------------------------------

  /**
   * Three workers booking with their locks until the deadline; worker 0's DynamoDB traffic waits
   * under {@code dbFaults} when given.
   */
  private Tally contend(
      String name,
      String prefix,
      LocalAws aws,
      String table,
      int skuCount,
      Duration work,
      Faults dbFaults,
      Tally tally,
      LockerFactory lockers,
      Injector injector)
      throws IOException, InterruptedException {
    report.progress("%s: %d workers on %d SKUs", name, WORKERS, skuCount);
    AtomicReference<List<String>> keys =
        new AtomicReference<>(seed(aws, table, prefix + "-0", skuCount));
    List<String> everyKey = new CopyOnWriteArrayList<>(keys.get());
    List<AutoCloseable> closing = new ArrayList<>();
    Set<String> soldOut = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    long started = System.nanoTime();
    try {
      List<Locker> workers = new ArrayList<>();
      List<DynamoDbClient> stores = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        DynamoDbClient dynamoDb = aws.dynamoDbClient();
        if (w == 0 && dbFaults != null) {
          dynamoDb = BenchClients.dynamoDb(aws, dbFaults);
          closing.add(dynamoDb);
        }
        stores.add(dynamoDb);
        workers.add(lockers.create(w, dynamoDb, closing));
      }
      started = System.nanoTime();
      long deadline = started + limit.toNanos();
      for (int w = 0; w < WORKERS; w++) {
        Locker locker = workers.get(w);
        DynamoDbClient dynamoDb = stores.get(w);
        threads.add(
            Thread.ofPlatform()
                .name("bench-" + prefix + "-" + w)
                .start(
                    () ->
                        lockedWorker(
                            locker,
                            dynamoDb,
                            table,
                            keys,
                            soldOut,
                            () -> restock(aws, table, prefix, keys, everyKey, soldOut, tally),
                            tally,
                            work,
                            deadline)));
      }
      Thread faults = injector.start(stop);
      for (Thread t : threads) {
        t.join();
      }
      stop.set(true);
      faults.interrupt();
      faults.join(Duration.ofSeconds(30));
    } finally {
      for (AutoCloseable c : closing) {
        try {
          c.close();
        } catch (Exception e) {
          // shutting down
        }
      }
    }
    tally.seconds = (System.nanoTime() - started) / 1e9;
    count(aws, table, everyKey, tally);
    report.progress(
        "%s: %d sales in %.1f s (%d sell-outs, restocked), %d double bookings, %d oversold,"
            + " %d lost their lock mid-section",
        name,
        tally.sold,
        tally.seconds,
        tally.rounds,
        tally.doubleBookings(),
        tally.overSold,
        tally.lostWhileHeld.sum());
    return tally;
  }

  /**
   * Once every SKU is sold out, the next round books fresh SKUs, so that the lock meets faults for
   * its whole run. A late write of an earlier round still lands on that round's item, and is
   * counted with it at the end.
   */
  private synchronized void restock(
      LocalAws aws,
      String table,
      String prefix,
      AtomicReference<List<String>> keys,
      List<String> everyKey,
      Set<String> soldOut,
      Tally tally) {
    if (!soldOut.containsAll(keys.get())) {
      return; // another worker restocked already
    }
    tally.rounds++;
    List<String> fresh = seed(aws, table, prefix + "-" + tally.rounds, keys.get().size());
    everyKey.addAll(fresh);
    keys.set(fresh);
  }

  private static void lockedWorker(
      Locker locker,
      DynamoDbClient dynamoDb,
      String table,
      AtomicReference<List<String>> currentKeys,
      Set<String> soldOut,
      Runnable restock,
      Tally tally,
      Duration work,
      long deadline) {
    while (System.nanoTime() < deadline) {
      List<String> keys = currentKeys.get();
      if (soldOut.containsAll(keys)) {
        restock.run();
        continue;
      }
      String sku = keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
      if (soldOut.contains(sku)) {
        continue;
      }
      Held held;
      try {
        held = locker.tryAcquire(sku);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        continue; // a node timed out or is failing over: no lock, try again
      }
      if (held == null) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // busy
        continue;
      }
      tally.criticalSections.increment();
      try {
        long left = Bookings.stock(dynamoDb, table, sku);
        if (left <= 0) {
          soldOut.add(sku);
        } else {
          Thread.sleep(work.toMillis());
          tally.writesSent.increment();
          boolean accepted = held.write(Bookings.book(table, sku, left - 1));
          if (!accepted || !held.stillHeld()) {
            tally.lostWhileHeld.increment();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // a store call failed: the section ends without a sale
      } finally {
        try {
          held.release();
        } catch (RuntimeException e) {
          // the lock had expired, or its server is gone: it expires by its TTL
        }
      }
    }
  }

  private static RedissonClient redisson(int port, int timeoutMillis, int retryAttempts) {
    Config config = new Config();
    config.setThreads(2).setNettyThreads(4).setLockWatchdogTimeout(TTL.toMillis());
    config
        .useSingleServer()
        .setAddress("redis://127.0.0.1:" + port)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(4)
        .setTimeout(timeoutMillis)
        .setRetryAttempts(retryAttempts);
    return Redisson.create(config);
  }

  private static RedissonClient redisson(int port) {
    return redisson(port, 3000, 3);
  }

  private static boolean heldSafely(RLock lock) {
    try {
      return lock.isHeldByCurrentThread();
    } catch (RuntimeException e) {
      return false; // its server does not answer
    }
  }

  // ---- Redlock: partitions and stalls; a clock jump
  // ----------------------------------------------

  private Tally redlock(LocalAws aws, String table, List<Integer> redisPorts)
      throws IOException, InterruptedException {
    Faults faults = new Faults();
    Tally tally = new Tally();
    return contend(
        "Redlock",
        "rl",
        aws,
        table,
        skus,
        WORK,
        faults,
        tally,
        (w, dynamoDb, closing) -> {
          List<RedissonClient> clients = new ArrayList<>();
          for (int port : redisPorts) {
            int p = port;
            if (w == 0) {
              FaultProxy proxy = faults.proxy("redis-" + port, port);
              closing.add(proxy);
              p = proxy.port();
            }
            RedissonClient client = redisson(p);
            closing.add(client::shutdown);
            clients.add(client);
          }
          return redlockLocker(clients, dynamoDb);
        },
        stop -> injectFaults(faults, tally, stop));
  }

  /**
   * Kleppmann's scenario: worker 0 cannot reach server C, so it locks A and B; B's clock jumps
   * forward and expires worker 0's key there; another worker then locks B and C, a majority, while
   * worker 0 is still in its section.
   */
  private Tally redlockClockJump(LocalAws aws, String table, ClockJump clock)
      throws IOException, InterruptedException {
    Tally tally = new Tally();
    Faults cut = new Faults();
    try (RedisServers servers = RedisServers.withJumpingClock(redisServer, 3, 1, clock, logs)) {
      List<Integer> ports = servers.ports();
      return contend(
          "Redlock, clock jump",
          "rj",
          aws,
          table,
          1,
          CLOCK_JUMP_WORK,
          null,
          tally,
          (w, dynamoDb, closing) -> {
            List<RedissonClient> clients = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
              RedissonClient client;
              if (w == 0 && i == 2) {
                FaultProxy proxy = cut.proxy("redis-cut", ports.get(i));
                closing.add(proxy);
                client = redisson(proxy.port(), 100, 0);
              } else {
                client = redisson(ports.get(i));
              }
              closing.add(client::shutdown);
              clients.add(client);
            }
            return redlockLocker(clients, dynamoDb);
          },
          stop ->
              Thread.ofPlatform()
                  .name("bench-clock-jumps")
                  .daemon(true)
                  .start(
                      () -> {
                        cut.hold(Duration.ofDays(1));
                        while (!stop.get()) {
                          try {
                            Thread.sleep(ThreadLocalRandom.current().nextLong(300, 900));
                            clock.forward(CLOCK_JUMP);
                            tally.clockJumps.increment();
                          } catch (InterruptedException e) {
                            return;
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }
                      }));
    }
  }

  @SuppressWarnings("deprecation") // RedissonRedLock: Redisson's Redlock, the algorithm under test
  private static Locker redlockLocker(List<RedissonClient> clients, DynamoDbClient dynamoDb) {
    return sku -> {
      RLock[] locks = clients.stream().map(c -> c.getLock("lock:" + sku)).toArray(RLock[]::new);
      RedissonRedLock lock = new RedissonRedLock(locks);
      if (!lock.tryLock(2, TimeUnit.SECONDS)) {
        return null;
      }
      return new Held() {
        @Override
        public boolean write(UpdateItemRequest booking) {
          dynamoDb.updateItem(booking);
          return true;
        }

        @Override
        public boolean stillHeld() {
          int held = 0;
          for (RLock l : locks) {
            if (heldSafely(l)) {
              held++;
            }
          }
          return held >= locks.length / 2 + 1;
        }

        @Override
        public void release() {
          lock.unlock();
        }
      };
    };
  }

  // ---- one Redis: RLock, RFencedLock, fenceq-redis ---------------------------------------------

  private Tally singleRedis(LocalAws aws, String table, SingleRedis kind, int primaryPort)
      throws IOException, InterruptedException {
    Faults faults = new Faults();
    Tally tally = new Tally();
    return contend(
        kind.label,
        kind.prefix,
        aws,
        table,
        skus,
        WORK,
        faults,
        tally,
        (w, dynamoDb, closing) -> {
          int port = primaryPort;
          if (w == 0) {
            FaultProxy proxy = faults.proxy("redis-primary", primaryPort);
            closing.add(proxy);
            port = proxy.port();
          }
          return singleRedisLocker(kind, port, false, dynamoDb, table, tally, closing);
        },
        stop -> injectFaults(faults, tally, stop));
  }

  private Tally singleRedisFailover(LocalAws aws, String table, SingleRedis kind)
      throws IOException, InterruptedException {
    Tally tally = new Tally();
    try (FailingOverRedis redis = new FailingOverRedis(redisServer, logs, REPLICATION_LAG)) {
      return contend(
          kind.label + ", failover",
          kind.prefix + "f",
          aws,
          table,
          skus,
          WORK,
          null,
          tally,
          (w, dynamoDb, closing) ->
              singleRedisLocker(
                  kind, redis.proxy(new Faults()).port(), true, dynamoDb, table, tally, closing),
          stop ->
              Thread.ofPlatform()
                  .name("bench-failovers")
                  .daemon(true)
                  .start(
                      () -> {
                        while (!stop.get()) {
                          try {
                            Thread.sleep(failoverEvery.toMillis());
                            if (stop.get()) {
                              return;
                            }
                            redis.failover();
                            tally.failovers.increment();
                            redis.attachReplica();
                          } catch (InterruptedException e) {
                            return;
                          } catch (IOException e) {
                            throw new UncheckedIOException(e);
                          }
                        }
                      }));
    }
  }

  private static Locker singleRedisLocker(
      SingleRedis kind,
      int port,
      boolean failingOver,
      DynamoDbClient dynamoDb,
      String table,
      Tally tally,
      List<AutoCloseable> closing) {
    DynamoDbFence fence = new DynamoDbFence(dynamoDb);
    if (kind == SingleRedis.FENCED_REDIS) {
      RedisClient client =
          RedisClient.create(
              RedisURI.builder()
                  .withHost("127.0.0.1")
                  .withPort(port)
                  .withTimeout(Duration.ofSeconds(3))
                  .build());
      closing.add(client::shutdown);
      StatefulRedisConnection<String, String> connection = client.connect();
      FencedRedisLock lock =
          FencedRedisLock.on(
              connection,
              RedisLockConfig.builder()
                  .ttl(TTL)
                  .waitReplicas(1)
                  .waitTimeout(Duration.ofMillis(500))
                  .fenceFloor(sku -> Bookings.fence(dynamoDb, table, sku))
                  .build());
      return sku -> {
        RedisAcquireResult result = lock.acquire(sku);
        if (result instanceof RedisAcquireResult.NotReplicated) {
          tally.notReplicated.increment();
          return null;
        }
        if (!(result instanceof RedisAcquireResult.Acquired acquired)) {
          return null;
        }
        RedisLockHandle handle = acquired.handle();
        return new Held() {
          @Override
          public boolean write(UpdateItemRequest booking) {
            return fence.update(booking, handle.nextToken()) == FenceResult.APPLIED;
          }

          @Override
          public boolean stillHeld() {
            return true; // the fence decided
          }

          @Override
          public void release() {
            lock.release(handle);
          }
        };
      };
    }
    // Under failovers (and no stalls) a shorter timeout with one retry bounds how long a command
    // sent to the dead primary keeps a worker past the end of its run.
    RedissonClient client = failingOver ? redisson(port, 1000, 1) : redisson(port);
    closing.add(client::shutdown);
    if (kind == SingleRedis.RLOCK) {
      return sku -> {
        RLock lock = client.getLock("lock:" + sku);
        if (!lock.tryLock(2, TimeUnit.SECONDS)) {
          return null;
        }
        return new Held() {
          @Override
          public boolean write(UpdateItemRequest booking) {
            dynamoDb.updateItem(booking);
            return true;
          }

          @Override
          public boolean stillHeld() {
            return heldSafely(lock);
          }

          @Override
          public void release() {
            lock.unlock();
          }
        };
      };
    }
    return sku -> {
      RFencedLock lock = client.getFencedLock("lock:" + sku);
      Long token = lock.tryLockAndGetToken(2, TimeUnit.SECONDS);
      if (token == null) {
        return null;
      }
      // Redisson's token as the fence; one write per hold, so seq = token x 10^19 + 1.
      FenceToken fenceToken =
          new FenceToken(
              token,
              BigInteger.valueOf(token).multiply(WRITES_PER_TOKEN).add(BigInteger.ONE).toString());
      return new Held() {
        @Override
        public boolean write(UpdateItemRequest booking) {
          return fence.update(booking, fenceToken) == FenceResult.APPLIED;
        }

        @Override
        public boolean stillHeld() {
          return true; // the fence decided
        }

        @Override
        public void release() {
          lock.unlock();
        }
      };
    };
  }

  // ---- (b) fenceq ---------------------------------------------------------------------------

  private Tally fenceq(LocalAws aws, String table) throws InterruptedException {
    report.progress("fenceq: %d workers on %d SKUs, faults on worker 0", WORKERS, skus);
    List<String> keys = seed(aws, table, "fq", skus);
    Tally tally = new Tally();
    Faults faults = new Faults();
    ConsumerConfig config =
        ConsumerConfig.fromEnvironment(aws.environment()).toBuilder()
            .payloadBucket(null) // small jobs only: no S3 client
            .concurrency(1)
            .maxLanesInFlight(10)
            .leaseDuration(TTL)
            .receiveWait(Duration.ofSeconds(1))
            .shutdownTimeout(Duration.ofSeconds(5))
            .build();
    int jobs = (int) (skus * stock * 5 / 4);
    List<JobRequest> requests = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      requests.add(JobRequest.ofJson(keys.get(i % keys.size()), BOOK, "{}").withJobId("fq-" + i));
    }
    Enqueuer enqueuer =
        Enqueuer.builder()
            .sqs(aws.sqsClient())
            .queueUrl(config.engine().queueUrl())
            .ring(config.engine().ring())
            .build();
    for (int from = 0; from < jobs; from += 1000) {
      enqueuer.enqueueAll(requests.subList(from, Math.min(jobs, from + 1000)));
    }
    List<Worker> workers = new ArrayList<>();
    DynamoDbClient faulty = BenchClients.dynamoDb(aws, faults);
    AtomicBoolean stop = new AtomicBoolean();
    long started = System.nanoTime();
    try {
      for (int w = 0; w < WORKERS; w++) {
        DynamoDbClient dynamoDb = w == 0 ? faulty : aws.dynamoDbClient();
        workers.add(
            Worker.builder()
                .config(config.toBuilder().build())
                .sqs(aws.sqsClient())
                .dynamoDb(dynamoDb)
                .handlers(Map.of(BOOK, bookHandler(dynamoDb, table, tally)))
                .build()
                .start());
      }
      Thread injector = injectFaults(faults, tally, stop);
      long deadline = started + limit.toNanos();
      while (System.nanoTime() < deadline
          && workers.stream()
                  .map(Worker::progress)
                  .reduce(WorkerProgress.none(), WorkerProgress::plus)
                  .done()
              < jobs) {
        Thread.sleep(100);
      }
      stop.set(true);
      injector.interrupt();
      injector.join();
    } finally {
      CompletableFuture.allOf(
              workers.stream().map(Worker::shutdown).toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .join();
      faulty.close();
    }
    tally.seconds = (System.nanoTime() - started) / 1e9;
    aws.sqsClient().purgeQueue(r -> r.queueUrl(config.engine().queueUrl()));
    count(aws, table, keys, tally);
    report.progress(
        "fenceq: %d sales in %.1f s, %d double bookings, %d oversold, %d late writes refused",
        tally.sold,
        tally.seconds,
        tally.doubleBookings(),
        tally.overSold,
        tally.lostWhileHeld.sum());
    return tally;
  }

  private static JobHandler bookHandler(DynamoDbClient dynamoDb, String table, Tally tally) {
    DynamoDbFence fence = new DynamoDbFence(dynamoDb);
    return (job, context) -> {
      tally.criticalSections.increment();
      long left = Bookings.stock(dynamoDb, table, job.key());
      if (left <= 0) {
        return; // sold out: the job is done, nothing to write
      }
      // The token is taken before the work, as a handler holding it across a computation would:
      // a stall then delays a write whose token was valid when it was taken.
      FenceToken token = context.fenceToken();
      try {
        Thread.sleep(WORK.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw context.fenced("interrupted while booking " + job.key());
      }
      tally.writesSent.increment();
      FenceResult result = fence.update(Bookings.book(table, job.key(), left - 1), token);
      if (result == FenceResult.FENCED) {
        tally.lostWhileHeld.increment();
        throw context.fenced("sku " + job.key() + " at fence " + context.fence());
      }
    };
  }
}
