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
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code bench/run redlock}: the same booking critical section under (a) Redisson's Redlock over
 * three Redis servers, (c) fenceq-redis's fenced lock on a primary with one replica, its writes
 * through {@code DynamoDbFence}, and (b) fenceq's fenced lane lease, with the same faults on one of
 * three workers: 200 ms partitions from its stores and stalls longer than the lock TTL. Counts
 * double bookings and oversells from the stock left and the sales counted.
 */
public final class RedlockBench {
  private static final int WORKERS = 3;
  private static final Duration TTL = Duration.ofSeconds(1);
  private static final Duration PARTITION = Duration.ofMillis(200);
  private static final Duration PAUSE = TTL.multipliedBy(3).dividedBy(2);
  private static final Duration WORK = Duration.ofMillis(5);
  private static final String BOOK = "book";

  private final Report report;
  private final Path redisServer;
  private final Duration limit;
  private final int skus;
  private final long stock;

  public RedlockBench(Report report, boolean smoke, Path redisServer, int seconds) {
    this.report = report;
    this.redisServer = redisServer;
    this.limit = Duration.ofSeconds(smoke ? 20 : seconds);
    this.skus = smoke ? 4 : 8;
    this.stock = smoke ? 15 : 100;
  }

  public void run() throws IOException, InterruptedException {
    report.parameter("workers", WORKERS + " (faults on one of them)");
    report.parameter("SKUs, stock each", skus + ", " + stock);
    report.parameter("lock TTL (Redlock watchdog) = fenceq lease", TTL.toMillis() + " ms");
    report.parameter(
        "faults, alternating, every 0.3-0.9 s",
        "partition " + PARTITION.toMillis() + " ms; stall " + PAUSE.toMillis() + " ms (> TTL)");
    report.parameter(
        "critical section",
        "consistent read of stock, "
            + WORK.toMillis()
            + " ms of work, write stock-1 and count the sale");
    report.parameter(
        "run per contender",
        limit.toSeconds()
            + " s; Redlock and the fenced Redis lock restock each time every SKU is sold out,"
            + " fenceq stops early once its"
            + " jobs (1.25 x the stock) are done");
    report.parameter("redis-server", redisServer);
    Path logs = Path.of("bench", "target", "redlock-logs");
    report.progress(
        "starting 3 redis-server processes, a primary with a replica, and the emulators");
    try (RedisServers redis = new RedisServers(redisServer, 3, logs);
        RedisServers replicated = RedisServers.primaryWithReplica(redisServer, logs);
        LocalAws aws = LocalAws.builder().stackName("fenceq-redlock").start()) {
      String table = aws.environment().get(InventoryHandlers.INVENTORY_TABLE);
      Tally redlock = redlock(aws, table, redis.ports());
      Tally fencedRedis = fencedRedis(aws, table, replicated.ports());
      Tally fenceq = fenceq(aws, table);
      List<List<String>> rows = new ArrayList<>();
      rows.add(row("Redisson Redlock (3 Redis)", redlock));
      rows.add(row("fenceq-redis (fenced lock + DynamoDbFence)", fencedRedis));
      rows.add(row("fenceq (fenced lane lease)", fenceq));
      report.table(
          "Violations under the same faults",
          List.of(
              "contender",
              "seconds",
              "partitions",
              "stalls",
              "critical sections",
              "sales counted",
              "stock sold",
              "double bookings",
              "oversold units",
              "holder lost its lock mid-section",
              "violation rate (per sale)",
              "double bookings per stall"),
          rows);
      report.note(
          "Reading it",
          """
          A double booking is a sale whose write was accepted while another holder's critical
          section on the same SKU overlapped it: the sales counted exceed what left the stock.
          Redlock's lock expires while the stalled holder's write is still on its way, and
          nothing downstream can tell the late write from the new holder's. fenceq's write
          carries the lane's fence and the job's sequence number: the late write of a taken-over
          holder is refused (FENCED), and a redelivered job is refused as a DUPLICATE. The fenced
          Redis lock (fenceq-redis: SET NX PX with a fence from INCR, WAIT for the replica, a
          fence floor read from the item) expires like Redlock's, but its writes go through the
          same DynamoDbFence: a stalled holder's late write is refused once a newer holder has
          written the SKU. The fence checks writes, not reads: a late write that lands between
          the new holder's read and its write is still accepted. A 200 ms
          partition alone is shorter than the 1 s TTL and its renewal interval, so it costs
          neither contender a lock; a stall longer than the TTL does.""");
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("redlock_sellouts", redlock.rounds);
      result.put("redlock_double_bookings", redlock.doubleBookings());
      result.put("redlock_oversold", redlock.overSold);
      result.put("redlock_sales", redlock.sold);
      result.put("redlock_violation_rate", redlock.violationRate());
      result.put("redlock_double_bookings_per_stall", redlock.perStall());
      result.put("fencedredis_sellouts", fencedRedis.rounds);
      result.put("fencedredis_double_bookings", fencedRedis.doubleBookings());
      result.put("fencedredis_oversold", fencedRedis.overSold);
      result.put("fencedredis_sales", fencedRedis.sold);
      result.put("fencedredis_violation_rate", fencedRedis.violationRate());
      result.put("fencedredis_double_bookings_per_stall", fencedRedis.perStall());
      result.put("fencedredis_late_writes_refused", fencedRedis.lostWhileHeld.sum());
      result.put("fencedredis_not_replicated", fencedRedis.notReplicated.sum());
      result.put("fenceq_double_bookings", fenceq.doubleBookings());
      result.put("fenceq_oversold", fenceq.overSold);
      result.put("fenceq_sales", fenceq.sold);
      result.put("fenceq_violation_rate", fenceq.violationRate());
      result.put("fenceq_double_bookings_per_stall", fenceq.perStall());
      result.put("faults_redlock", redlock.partitions.sum() + redlock.pauses.sum());
      result.put("faults_fencedredis", fencedRedis.partitions.sum() + fencedRedis.pauses.sum());
      result.put("faults_fenceq", fenceq.partitions.sum() + fenceq.pauses.sum());
      report.result(result);
    }
  }

  private static List<String> row(String name, Tally t) {
    return List.of(
        name,
        Report.format(t.seconds),
        Long.toString(t.partitions.sum()),
        Long.toString(t.pauses.sum()),
        Long.toString(t.criticalSections.sum()),
        Long.toString(t.sold),
        Long.toString(t.stockSold),
        Long.toString(t.doubleBookings()),
        Long.toString(t.overSold),
        Long.toString(t.lostWhileHeld.sum()),
        Report.format(t.violationRate()),
        Report.format(t.perStall()));
  }

  private List<String> seed(LocalAws aws, String table, String prefix) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < skus; i++) {
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

  // ---- (a) Redlock --------------------------------------------------------------------------

  @SuppressWarnings("deprecation") // RedissonRedLock: Redisson's Redlock, the algorithm under test
  private Tally redlock(LocalAws aws, String table, List<Integer> redisPorts)
      throws IOException, InterruptedException {
    report.progress("Redlock: %d workers on %d SKUs, faults on worker 0", WORKERS, skus);
    AtomicReference<List<String>> keys = new AtomicReference<>(seed(aws, table, "rl-0"));
    List<String> everyKey = new CopyOnWriteArrayList<>(keys.get());
    Tally tally = new Tally();
    Faults faults = new Faults();
    List<AutoCloseable> closing = new ArrayList<>();
    Set<String> soldOut = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    long started = System.nanoTime();
    long deadline = started + limit.toNanos();
    List<Thread> threads = new ArrayList<>();
    try {
      for (int w = 0; w < WORKERS; w++) {
        List<RedissonClient> clients = new ArrayList<>();
        for (int port : redisPorts) {
          int p = port;
          if (w == 0) {
            HoldingProxy proxy = new HoldingProxy(port, faults);
            closing.add(proxy);
            p = proxy.port();
          }
          RedissonClient client = redisson(p);
          clients.add(client);
          closing.add(client::shutdown);
        }
        DynamoDbClient dynamoDb =
            w == 0 ? BenchClients.dynamoDb(aws, faults) : aws.dynamoDbClient();
        if (w == 0) {
          closing.add(dynamoDb);
        }
        threads.add(
            Thread.ofPlatform()
                .name("bench-redlock-" + w)
                .start(
                    () ->
                        redlockWorker(
                            clients,
                            dynamoDb,
                            table,
                            keys,
                            soldOut,
                            () -> restock(aws, table, "rl", keys, everyKey, soldOut, tally),
                            tally,
                            deadline)));
      }
      Thread injector = injectFaults(faults, tally, stop);
      for (Thread t : threads) {
        t.join();
      }
      stop.set(true);
      injector.interrupt();
      injector.join();
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
        "Redlock: %d sales in %.1f s (%d sell-outs, restocked), %d double bookings, %d oversold",
        tally.sold, tally.seconds, tally.rounds, tally.doubleBookings(), tally.overSold);
    return tally;
  }

  /**
   * Once every SKU is sold out, the next round books fresh SKUs, so that Redlock meets faults for
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
    List<String> fresh = seed(aws, table, prefix + "-" + tally.rounds);
    everyKey.addAll(fresh);
    keys.set(fresh);
  }

  private static RedissonClient redisson(int port) {
    Config config = new Config();
    config.setThreads(2).setNettyThreads(4).setLockWatchdogTimeout(TTL.toMillis());
    config
        .useSingleServer()
        .setAddress("redis://127.0.0.1:" + port)
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(4)
        .setTimeout(3000);
    return Redisson.create(config);
  }

  @SuppressWarnings("deprecation")
  private static void redlockWorker(
      List<RedissonClient> clients,
      DynamoDbClient dynamoDb,
      String table,
      AtomicReference<List<String>> currentKeys,
      Set<String> soldOut,
      Runnable restock,
      Tally tally,
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
      RLock[] locks = clients.stream().map(c -> c.getLock("lock:" + sku)).toArray(RLock[]::new);
      RedissonRedLock lock = new RedissonRedLock(locks);
      boolean held;
      try {
        held = lock.tryLock(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        continue; // a node timed out: no lock, try again
      }
      if (!held) {
        continue;
      }
      tally.criticalSections.increment();
      try {
        long left = Bookings.stock(dynamoDb, table, sku);
        if (left <= 0) {
          soldOut.add(sku);
        } else {
          Thread.sleep(WORK.toMillis());
          dynamoDb.updateItem(Bookings.book(table, sku, left - 1));
          tally.writesSent.increment();
        }
        int stillHeld = 0;
        for (RLock l : locks) {
          if (l.isHeldByCurrentThread()) {
            stillHeld++;
          }
        }
        if (stillHeld < locks.length / 2 + 1) {
          tally.lostWhileHeld.increment();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // a store call failed: the section ends without a sale
      } finally {
        try {
          lock.unlock();
        } catch (RuntimeException e) {
          // the lock had expired on some node
        }
      }
    }
  }

  // ---- (c) fenceq-redis: a fenced Redis lock, writes through DynamoDbFence ------------------

  private Tally fencedRedis(LocalAws aws, String table, List<Integer> primaryAndReplica)
      throws IOException, InterruptedException {
    report.progress("fenced Redis lock: %d workers on %d SKUs, faults on worker 0", WORKERS, skus);
    AtomicReference<List<String>> keys = new AtomicReference<>(seed(aws, table, "fr-0"));
    List<String> everyKey = new CopyOnWriteArrayList<>(keys.get());
    Tally tally = new Tally();
    Faults faults = new Faults();
    List<AutoCloseable> closing = new ArrayList<>();
    Set<String> soldOut = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    long started = System.nanoTime();
    long deadline = started + limit.toNanos();
    List<Thread> threads = new ArrayList<>();
    try {
      for (int w = 0; w < WORKERS; w++) {
        int port = primaryAndReplica.get(0);
        DynamoDbClient dynamoDb = aws.dynamoDbClient();
        if (w == 0) {
          HoldingProxy proxy = new HoldingProxy(port, faults);
          closing.add(proxy);
          port = proxy.port();
          dynamoDb = BenchClients.dynamoDb(aws, faults);
          closing.add(dynamoDb);
        }
        RedisClient client =
            RedisClient.create(
                RedisURI.builder()
                    .withHost("127.0.0.1")
                    .withPort(port)
                    .withTimeout(Duration.ofSeconds(3))
                    .build());
        closing.add(client::shutdown);
        StatefulRedisConnection<String, String> connection = client.connect();
        DynamoDbClient store = dynamoDb;
        FencedRedisLock lock =
            FencedRedisLock.on(
                connection,
                RedisLockConfig.builder()
                    .ttl(TTL)
                    .waitReplicas(1)
                    .waitTimeout(Duration.ofMillis(500))
                    .fenceFloor(sku -> Bookings.fence(store, table, sku))
                    .build());
        threads.add(
            Thread.ofPlatform()
                .name("bench-fenced-redis-" + w)
                .start(
                    () ->
                        fencedRedisWorker(
                            lock,
                            store,
                            table,
                            keys,
                            soldOut,
                            () -> restock(aws, table, "fr", keys, everyKey, soldOut, tally),
                            tally,
                            deadline)));
      }
      Thread injector = injectFaults(faults, tally, stop);
      for (Thread t : threads) {
        t.join();
      }
      stop.set(true);
      injector.interrupt();
      injector.join();
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
        "fenced Redis lock: %d sales in %.1f s (%d sell-outs, restocked), %d double bookings,"
            + " %d oversold, %d late writes refused, %d acquires not replicated",
        tally.sold,
        tally.seconds,
        tally.rounds,
        tally.doubleBookings(),
        tally.overSold,
        tally.lostWhileHeld.sum(),
        tally.notReplicated.sum());
    return tally;
  }

  private static void fencedRedisWorker(
      FencedRedisLock lock,
      DynamoDbClient dynamoDb,
      String table,
      AtomicReference<List<String>> currentKeys,
      Set<String> soldOut,
      Runnable restock,
      Tally tally,
      long deadline) {
    DynamoDbFence fence = new DynamoDbFence(dynamoDb);
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
      RedisAcquireResult result;
      try {
        result = lock.acquire(sku);
      } catch (RuntimeException e) {
        continue; // Redis or the floor's read timed out: no lock, try again
      }
      if (result instanceof RedisAcquireResult.NotReplicated) {
        tally.notReplicated.increment();
        continue;
      }
      if (!(result instanceof RedisAcquireResult.Acquired acquired)) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // busy
        continue;
      }
      RedisLockHandle held = acquired.handle();
      tally.criticalSections.increment();
      try {
        long left = Bookings.stock(dynamoDb, table, sku);
        if (left <= 0) {
          soldOut.add(sku);
        } else {
          // Taken before the work, as in the fenceq contender: a stall delays a write whose
          // token was valid when it was taken.
          FenceToken token = held.nextToken();
          Thread.sleep(WORK.toMillis());
          tally.writesSent.increment();
          if (fence.update(Bookings.book(table, sku, left - 1), token) == FenceResult.FENCED) {
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
          lock.release(held);
        } catch (RuntimeException e) {
          // it expires by its TTL
        }
      }
    }
  }

  // ---- (b) fenceq ---------------------------------------------------------------------------

  private Tally fenceq(LocalAws aws, String table) throws InterruptedException {
    report.progress("fenceq: %d workers on %d SKUs, faults on worker 0", WORKERS, skus);
    List<String> keys = seed(aws, table, "fq");
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
