package io.fenceq.bench.failover;

import io.fenceq.bench.support.Report;
import io.fenceq.bench.support.Stats;
import io.fenceq.bench.support.Workload;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.local.LocalAws;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.testing.faults.WorkerJvm;
import io.fenceq.worker.WorkerMain;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * {@code bench/run failover}: worker JVMs drain a backlog over every lane; each round kills one
 * that holds lanes with SIGKILL and times, per lane it held, how long until the lane applies its
 * next job (its SKU's item gets a new sequence number), against the bound lease + visibility.
 */
public final class FailoverBench {
  private static final int WORKERS = 3;
  private static final Duration LEASE = Duration.ofSeconds(5);

  /** How long the victim search waits for a held lease before it enqueues another round. */
  private static final Duration TOP_UP_EVERY = Duration.ofSeconds(3);

  private static final Duration VISIBILITY = Duration.ofSeconds(10);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Report report;
  private final int rounds;
  private final int lanes;
  private final int jobsPerLane;

  public FailoverBench(Report report, boolean smoke, int rounds) {
    this.report = report;
    this.rounds = smoke ? 1 : rounds;
    this.lanes = smoke ? 16 : 256;
    this.jobsPerLane = smoke ? 100 : 40;
  }

  public void run() throws IOException, InterruptedException {
    report.parameter("worker JVMs", WORKERS);
    report.parameter("lanes (one SKU each)", lanes);
    report.parameter("lease", LEASE.toSeconds() + " s (heartbeat every lease/3)");
    report.parameter("queue visibility timeout", VISIBILITY.toSeconds() + " s");
    report.parameter("rounds (one SIGKILL each)", rounds);
    report.parameter("backlog per round", jobsPerLane + " jobs per lane");
    report.progress("starting the emulators");
    try (LocalAws aws =
        LocalAws.builder()
            .stackName("fenceq-failover")
            .parameters(
                Map.of(
                    "LaneCount", Integer.toString(lanes),
                    "VisibilityTimeoutSeconds", Long.toString(VISIBILITY.toSeconds())))
            .start()) {
      run(aws);
    }
  }

  private void run(LocalAws aws) throws IOException, InterruptedException {
    Map<String, String> env = new LinkedHashMap<>(aws.environment());
    env.put(ConsumerConfig.LEASE_SECONDS, Long.toString(LEASE.toSeconds()));
    env.put(ConsumerConfig.CONCURRENCY, "2");
    env.put(ConsumerConfig.MAX_LANES_IN_FLIGHT, "16");
    env.put(ConsumerConfig.RECEIVE_WAIT_SECONDS, "2");
    env.put(ConsumerConfig.SHUTDOWN_SECONDS, "5");
    ConsumerConfig config = ConsumerConfig.fromEnvironment(env);
    DynamoDbClient dynamoDb = aws.dynamoDbClient();
    String inventoryTable = env.get(InventoryHandlers.INVENTORY_TABLE);
    HashRing ring = HashRing.of(lanes);
    Map<Lane, String> skuOfLane = oneKeyPerLane(ring);
    List<String> skus = new ArrayList<>(skuOfLane.values());
    new Inventory(dynamoDb, inventoryTable).seed(skus, 1_000_000_000L);

    Path logs = Path.of("bench", "target", "failover-logs");
    List<WorkerJvm> workers = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    try {
      for (int i = 0; i < WORKERS; i++) {
        workers.add(startWorker(env, logs, "worker-" + i));
      }
      for (int round = 1; round <= rounds; round++) {
        report.progress("round %d/%d: enqueueing %d jobs", round, rounds, jobsPerLane * lanes);
        Workload.enqueue(
            aws.sqsClient(), config.engine().queueUrl(), ring, skus, jobsPerLane * lanes);
        awaitStarted(workers);
        // Pick the worker holding the most lanes. A lease is held only while its lane-batch runs,
        // and a key's jobs of a lane-batch are one coalesced write, so a backlog can drain in a
        // second or two: look often, and top the backlog up while no lease has been seen.
        Map<String, Map<Lane, Long>> held = Map.of();
        WorkerJvm victim = null;
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long topUpAt = System.nanoTime() + TOP_UP_EVERY.toNanos();
        while (victim == null && System.nanoTime() < until) {
          held = heldLanes(dynamoDb, config.leaseTable());
          victim = mostLanes(workers, held);
          if (victim == null) {
            if (System.nanoTime() - topUpAt > 0) {
              Workload.enqueue(
                  aws.sqsClient(), config.engine().queueUrl(), ring, skus, jobsPerLane * lanes);
              topUpAt = System.nanoTime() + TOP_UP_EVERY.toNanos();
            }
            Thread.sleep(20);
          }
        }
        if (victim == null) {
          throw new IllegalStateException(
              "no worker held a lane within 60 s; see the logs in " + logs);
        }
        String victimId = victim.workerId().orElseThrow();
        Map<Lane, Long> killedFences = held.get(victimId);
        List<Lane> victimLanes = new ArrayList<>(killedFences.keySet());
        victim.close();
        long killed = System.nanoTime();
        Map<Lane, String> before = seqs(dynamoDb, inventoryTable, skuOfLane, victimLanes);
        report.progress(
            "round %d/%d: killed %s (SIGKILL) holding %d lanes; waiting for them to resume",
            round, rounds, victimId, victimLanes.size());
        Map<Lane, Double> resumed = new HashMap<>();
        long limit = killed + LEASE.plus(VISIBILITY).plusSeconds(60).toNanos();
        while (resumed.size() < victimLanes.size() && System.nanoTime() < limit) {
          Thread.sleep(POLL.toMillis());
          double at = (System.nanoTime() - killed) / 1e9;
          seqs(dynamoDb, inventoryTable, skuOfLane, victimLanes)
              .forEach(
                  (lane, seq) -> {
                    if (!Objects.equals(seq, before.get(lane))) {
                      resumed.putIfAbsent(lane, at);
                    }
                  });
          // A redelivered job the killed worker had applied answers DUPLICATE and leaves the item
          // as it was: then the grant of the lane's lease to another worker is the sign.
          fences(dynamoDb, config.leaseTable())
              .forEach(
                  (lane, fence) -> {
                    Long killedAt = killedFences.get(lane);
                    if (killedAt != null && fence > killedAt) {
                      resumed.putIfAbsent(lane, at);
                    }
                  });
        }
        for (Lane lane : victimLanes) {
          Double s = resumed.get(lane);
          seconds.add(s == null ? Double.POSITIVE_INFINITY : s);
          rows.add(
              List.of(
                  Integer.toString(round),
                  lane.id(),
                  s == null ? "did not resume" : Report.format(s)));
        }
        report.progress(
            "round %d/%d: %d/%d lanes resumed, slowest after %s s",
            round,
            rounds,
            resumed.size(),
            victimLanes.size(),
            Report.format(Stats.max(new ArrayList<>(resumed.values()))));
        workers.remove(victim);
        workers.add(startWorker(env, logs, "worker-r" + round));
      }
    } finally {
      for (WorkerJvm w : workers) {
        w.close();
      }
    }
    double bound = LEASE.plus(VISIBILITY).toMillis() / 1000.0;
    double median = Stats.median(seconds);
    double max = Stats.max(seconds);
    report.table(
        "Time from SIGKILL to the lane's next applied job",
        List.of("round", "lane", "seconds"),
        rows);
    report.note(
        "Reading it",
        """
        A killed worker's in-flight messages stay invisible until the visibility its last
        heartbeat set (one lease) runs out, and its lease item blocks others until it expires:
        both end within one lease of the last heartbeat, so a lane resumes after about one lease
        plus the time another worker needs to receive and run it. The bound fenceq promises (L1)
        is lease + visibility timeout, for a worker killed before its first heartbeat.""");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("rounds", rounds);
    result.put("lanes_measured", seconds.size());
    result.put("did_not_resume", seconds.stream().filter(x -> x.isInfinite()).count());
    result.put("median_s", median);
    result.put("max_s", max);
    result.put("lease_s", (double) LEASE.toSeconds());
    result.put("visibility_s", (double) VISIBILITY.toSeconds());
    result.put("bound_s", bound);
    result.put("target_max_le_bound", max <= bound ? "met" : "missed");
    report.result(result);
  }

  /** {@link WorkerMain} in a JVM of its own, configured by its environment as ECS runs it. */
  private static WorkerJvm startWorker(Map<String, String> env, Path logs, String name) {
    return WorkerJvm.builder()
        .name(name)
        .environment(env)
        .main(WorkerMain.class.getName(), List.of())
        .jvmOptions(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"))
        .outputDirectory(logs)
        .start();
  }

  private static Map<Lane, String> oneKeyPerLane(HashRing ring) {
    Map<Lane, String> keys = new LinkedHashMap<>();
    for (int n = 0; keys.size() < ring.laneCount(); n++) {
      String key = "sku-" + n;
      keys.putIfAbsent(ring.laneFor(key), key);
    }
    return keys;
  }

  private void awaitStarted(List<WorkerJvm> workers) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (workers.stream().anyMatch(w -> w.workerId().isEmpty())) {
      if (System.nanoTime() > until || workers.stream().anyMatch(w -> !w.alive())) {
        throw new IllegalStateException(
            "a worker JVM did not start; see "
                + workers.stream().map(WorkerJvm::outputFile).toList());
      }
      Thread.sleep(200);
    }
  }

  private static WorkerJvm mostLanes(List<WorkerJvm> workers, Map<String, Map<Lane, Long>> held) {
    WorkerJvm best = null;
    int most = 0;
    for (WorkerJvm w : workers) {
      int n = held.getOrDefault(w.workerId().orElse(""), Map.of()).size();
      if (n > most) {
        most = n;
        best = w;
      }
    }
    return best;
  }

  /** Lane leases held right now, by owner, with their fences. */
  private static Map<String, Map<Lane, Long>> heldLanes(DynamoDbClient dynamoDb, String table) {
    long now = System.currentTimeMillis();
    Map<String, Map<Lane, Long>> held = new HashMap<>();
    for (Map<String, AttributeValue> i : laneLeases(dynamoDb, table)) {
      if (i.containsKey("owner") && Long.parseLong(i.get("expiresAt").n()) > now) {
        held.computeIfAbsent(i.get("owner").s(), o -> new HashMap<>())
            .put(lane(i), Long.parseLong(i.get("fence").n()));
      }
    }
    return held;
  }

  /** The fence of every lane lease. */
  private static Map<Lane, Long> fences(DynamoDbClient dynamoDb, String table) {
    Map<Lane, Long> fences = new HashMap<>();
    for (Map<String, AttributeValue> i : laneLeases(dynamoDb, table)) {
      fences.put(lane(i), Long.parseLong(i.get("fence").n()));
    }
    return fences;
  }

  private static List<Map<String, AttributeValue>> laneLeases(
      DynamoDbClient dynamoDb, String table) {
    return dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)).items().stream()
        .filter(i -> i.get("id").s().startsWith("lane#") && i.containsKey("fence"))
        .toList();
  }

  private static Lane lane(Map<String, AttributeValue> leaseItem) {
    return new Lane(Integer.parseInt(leaseItem.get("id").s().substring("lane#".length())));
  }

  /** The seq attribute of each lane's SKU item. */
  private static Map<Lane, String> seqs(
      DynamoDbClient dynamoDb, String table, Map<Lane, String> skuOfLane, List<Lane> lanes) {
    Map<String, Lane> laneOfSku = new HashMap<>();
    lanes.forEach(l -> laneOfSku.put(skuOfLane.get(l), l));
    Map<Lane, String> seqs = new HashMap<>();
    List<String> skus = new ArrayList<>(laneOfSku.keySet());
    for (int from = 0; from < skus.size(); from += 100) {
      List<Map<String, AttributeValue>> keys =
          skus.subList(from, Math.min(skus.size(), from + 100)).stream()
              .map(s -> Map.of(Inventory.SKU, AttributeValue.fromS(s)))
              .toList();
      Map<String, KeysAndAttributes> request =
          Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
      // Keys DynamoDB leaves unprocessed are read by the next poll.
      var response = dynamoDb.batchGetItem(r -> r.requestItems(request));
      for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
        AttributeValue seq = item.get("seq");
        seqs.put(laneOfSku.get(item.get(Inventory.SKU).s()), seq == null ? null : seq.n());
      }
    }
    return seqs;
  }
}
