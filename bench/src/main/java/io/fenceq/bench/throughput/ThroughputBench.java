package io.fenceq.bench.throughput;

import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient;
import com.amazonaws.services.dynamodbv2.CreateDynamoDBTableOptions;
import io.fenceq.bench.support.ApiCalls;
import io.fenceq.bench.support.BenchClients;
import io.fenceq.bench.support.DynamoDbWrites;
import io.fenceq.bench.support.Report;
import io.fenceq.bench.support.Stats;
import io.fenceq.bench.support.Workload;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.lease.LeaseStore;
import io.fenceq.local.LocalAws;
import io.fenceq.ring.HashRing;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code bench/run throughput}: the same backlog drained by raw consumers, by fenceq workers and by
 * per-job lock-client consumers, in alternated trials on one set of emulators; medians and ratios.
 */
public final class ThroughputBench {
  private static final String LOCK_TABLE = "bench-job-locks";

  /** The ways of draining, in the order of the first trial; later trials rotate it. */
  private enum Variant {
    RAW("raw SQS (receive + delete)"),
    RAW_WRITE("raw SQS + unfenced write"),
    FENCEQ("fenceq workers"),
    LOCK_CLIENT("per-job DynamoDB Lock Client");

    final String title;

    Variant(String title) {
      this.title = title;
    }
  }

  private final Report report;
  private final int jobs;
  private final int consumers;
  private final int trials;
  private final int skus;
  private final Duration trialLimit;
  private final int warmUpJobs;

  private final List<String> only;

  /**
   * @param only the variants to run (raw, raw-write, fenceq, lock-client), empty for all; ratios
   *     need raw and lock-client, so a partial run is for profiling
   */
  public ThroughputBench(
      Report report, boolean smoke, int jobs, int consumers, int trials, List<String> only) {
    this.only = only;
    this.report = report;
    this.jobs = smoke ? 200 : jobs;
    this.consumers = consumers;
    this.trials = smoke ? 1 : trials;
    this.skus = smoke ? 100 : 1000;
    this.trialLimit = smoke ? Duration.ofSeconds(60) : Duration.ofMinutes(15);
    this.warmUpJobs = smoke ? 0 : Math.min(this.jobs, 2000);
  }

  public void run() throws InterruptedException {
    report.parameter("jobs per trial", jobs);
    report.parameter("SKUs (keys)", skus);
    report.parameter("consumers (receive loops) per variant", consumers);
    report.parameter("trials (alternated, medians reported)", trials);
    report.parameter("warm-up per variant, not counted", warmUpJobs + " jobs");
    report.parameter("emulators", "ElasticMQ + DynamoDB Local, in this JVM, over HTTP");
    report.progress("starting the emulators");
    try (LocalAws aws = LocalAws.builder().stackName("fenceq-bench").start()) {
      DynamoDbWrites writes = new DynamoDbWrites();
      ApiCalls dynamoDbCalls = new ApiCalls();
      ApiCalls sqsCalls = new ApiCalls();
      try (DynamoDbClient dynamoDb = BenchClients.dynamoDb(aws, writes, dynamoDbCalls);
          SqsClient sqs = BenchClients.sqs(aws, sqsCalls)) {
        run(aws, sqs, dynamoDb, writes, new Calls(dynamoDbCalls, sqsCalls));
      }
    }
  }

  /** The calls every variant's clients make, and the process's CPU time. */
  private record Calls(ApiCalls dynamoDb, ApiCalls sqs) {
    Count now() {
      long cpu =
          ManagementFactory.getOperatingSystemMXBean()
                  instanceof com.sun.management.OperatingSystemMXBean os
              ? os.getProcessCpuTime()
              : -1;
      return new Count(dynamoDb.count(), sqs.count(), cpu);
    }
  }

  /** Calls made and CPU time used so far. */
  private record Count(long dynamoDb, long sqs, long cpuNanos) {}

  private void run(
      LocalAws aws, SqsClient sqs, DynamoDbClient dynamoDb, DynamoDbWrites writes, Calls calls)
      throws InterruptedException {
    // Small jobs only: the workers need no large-payload bucket, nor an S3 client.
    ConsumerConfig base =
        ConsumerConfig.fromEnvironment(aws.environment()).toBuilder().payloadBucket(null).build();
    String queueUrl = base.engine().queueUrl();
    String leaseTable = base.leaseTable();
    String inventoryTable = aws.environment().get(InventoryHandlers.INVENTORY_TABLE);
    HashRing ring = base.engine().ring();
    report.parameter("lanes", ring.laneCount());
    Inventory inventory = new Inventory(dynamoDb, inventoryTable);
    List<String> keys = Inventory.skus(skus);
    inventory.seed(keys, 1_000_000_000L);
    AmazonDynamoDBLockClient.createLockTableInDynamoDB(
        CreateDynamoDBTableOptions.builder(
                dynamoDb,
                ProvisionedThroughput.builder()
                    .readCapacityUnits(100L)
                    .writeCapacityUnits(100L)
                    .build(),
                LOCK_TABLE)
            .build());

    Map<Variant, Supplier<Drain>> drains = new LinkedHashMap<>();
    // The queue's ceiling: receive and delete, nothing else.
    drains.put(Variant.RAW, () -> new GroupPipeline(sqs, queueUrl, consumers, (c, group) -> group));
    drains.put(
        Variant.RAW_WRITE,
        () ->
            new GroupPipeline(
                sqs,
                queueUrl,
                consumers,
                (consumer, group) -> {
                  group.forEach(m -> Workload.plainReserve(dynamoDb, inventoryTable, m.body()));
                  return group;
                }));
    drains.put(Variant.FENCEQ, () -> new FenceqDrain(base, sqs, dynamoDb, inventory, consumers));
    drains.put(
        Variant.LOCK_CLIENT,
        () -> new LockClientDrain(sqs, queueUrl, dynamoDb, LOCK_TABLE, inventoryTable, consumers));
    if (!only.isEmpty()) {
      drains
          .keySet()
          .removeIf(v -> !only.contains(v.name().toLowerCase(Locale.ROOT).replace('_', '-')));
    }
    Map<Variant, String> coordinationTable =
        Map.of(Variant.FENCEQ, leaseTable, Variant.LOCK_CLIENT, LOCK_TABLE);

    Map<Variant, List<Double>> rates = new LinkedHashMap<>();
    Map<Variant, List<Double>> writesPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> dynamoDbCallsPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> sqsCallsPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> cpuPerJob = new LinkedHashMap<>();
    List<Double> jobsPerGrant = new ArrayList<>();
    List<Variant> order = new ArrayList<>(drains.keySet());
    List<List<String>> trialRows = new ArrayList<>();
    if (warmUpJobs > 0) {
      // The JIT and the emulators' first minute are 2-4x slower; no variant may pay for that alone.
      for (Variant v : order) {
        report.progress("warm-up %s: %d jobs, not counted", v.title, warmUpJobs);
        Workload.enqueue(sqs, queueUrl, ring, keys, warmUpJobs);
        if (drain(drains.get(v).get(), v, 0, warmUpJobs).done < warmUpJobs) {
          purge(sqs, queueUrl);
        }
      }
    }
    for (int t = 1; t <= trials; t++) {
      for (Variant v : order) {
        report.progress("trial %d/%d %s: enqueueing %d jobs", t, trials, v.title, jobs);
        Workload.enqueue(sqs, queueUrl, ring, keys, jobs);
        String table = coordinationTable.get(v);
        long writesBefore = table == null ? 0 : writes.to(table);
        long inventoryBefore = writes.to(inventoryTable);
        long grantsBefore = writes.to(leaseTable, LeaseStore.ACQUIRE_UPDATE);
        Count before = calls.now();
        Trial trial = drain(drains.get(v).get(), v, t, jobs);
        Count after = calls.now();
        double dynamoDbPerJob = (after.dynamoDb() - before.dynamoDb()) / (double) trial.done;
        double sqsPerJob = (after.sqs() - before.sqs()) / (double) trial.done;
        double cpuMsPerJob = (after.cpuNanos() - before.cpuNanos()) / 1e6 / trial.done;
        dynamoDbCallsPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(dynamoDbPerJob);
        sqsCallsPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(sqsPerJob);
        cpuPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(cpuMsPerJob);
        double coordination =
            table == null ? 0 : (writes.to(table) - writesBefore) / (double) trial.done;
        double business = (writes.to(inventoryTable) - inventoryBefore) / (double) trial.done;
        long grants = writes.to(leaseTable, LeaseStore.ACQUIRE_UPDATE) - grantsBefore;
        if (v == Variant.FENCEQ && grants > 0) {
          jobsPerGrant.add(trial.done / (double) grants);
        }
        rates.computeIfAbsent(v, x -> new ArrayList<>()).add(trial.rate());
        writesPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(coordination);
        trialRows.add(
            List.of(
                Integer.toString(t),
                v.title,
                Long.toString(trial.done),
                Report.format(trial.seconds),
                Report.format(trial.rate()),
                Report.format(coordination),
                Report.format(business),
                Report.format(dynamoDbPerJob),
                Report.format(sqsPerJob),
                Report.format(cpuMsPerJob)));
        report.progress(
            "trial %d/%d %s: %d jobs in %.1f s = %.0f jobs/s, coordination writes/job %.2f",
            t, trials, v.title, trial.done, trial.seconds, trial.rate(), coordination);
        if (trial.done < jobs) {
          purge(sqs, queueUrl);
        }
      }
      order.add(order.remove(0)); // alternate: each variant runs in every position
    }

    double raw = median(rates, Variant.RAW);
    double rawWrite = median(rates, Variant.RAW_WRITE);
    double fenceq = median(rates, Variant.FENCEQ);
    double lock = median(rates, Variant.LOCK_CLIENT);
    double fenceqWrites = median(writesPerJob, Variant.FENCEQ);
    double lockWrites = median(writesPerJob, Variant.LOCK_CLIENT);
    List<List<String>> summary = new ArrayList<>();
    for (Variant v : drains.keySet()) {
      summary.add(
          List.of(
              v.title,
              Report.format(median(rates, v)),
              Report.format(median(rates, v) / raw),
              Report.format(median(writesPerJob, v)),
              Report.format(median(dynamoDbCallsPerJob, v)),
              Report.format(median(sqsCallsPerJob, v)),
              Report.format(median(cpuPerJob, v))));
    }
    report.table(
        "Medians",
        List.of(
            "variant",
            "jobs/s",
            "vs raw",
            "coordination writes per job",
            "DynamoDB calls per job",
            "SQS calls per job",
            "CPU ms per job (emulators included)"),
        summary);
    report.table(
        "Every trial",
        List.of(
            "trial",
            "variant",
            "jobs",
            "seconds",
            "jobs/s",
            "coordination writes/job",
            "inventory writes/job",
            "DynamoDB calls/job",
            "SQS calls/job",
            "CPU ms/job"),
        trialRows);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("jobs", jobs);
    result.put("consumers", consumers);
    result.put("trials", trials);
    result.put("raw_per_s", raw);
    result.put("raw_write_per_s", rawWrite);
    result.put("fenceq_per_s", fenceq);
    result.put("lock_client_per_s", lock);
    result.put("fenceq_over_raw", fenceq / raw);
    result.put("fenceq_over_raw_write", fenceq / rawWrite);
    result.put("fenceq_over_lock_client", fenceq / lock);
    result.put("fenceq_lease_writes_per_job", fenceqWrites);
    result.put("lock_client_lock_writes_per_job", lockWrites);
    result.put("fenceq_jobs_per_lease_grant", Stats.median(jobsPerGrant));
    result.put("fenceq_dynamodb_calls_per_job", median(dynamoDbCallsPerJob, Variant.FENCEQ));
    result.put(
        "lock_client_dynamodb_calls_per_job", median(dynamoDbCallsPerJob, Variant.LOCK_CLIENT));
    result.put("fenceq_cpu_ms_per_job", median(cpuPerJob, Variant.FENCEQ));
    result.put("lock_client_cpu_ms_per_job", median(cpuPerJob, Variant.LOCK_CLIENT));
    result.put("target_0.8x_raw", fenceq / raw >= 0.8 ? "met" : "missed");
    result.put("target_writes_0.2", fenceqWrites <= 0.2 ? "met" : "missed");
    result.put("target_3x_lock_client", fenceq / lock >= 3 ? "met" : "missed");
    report.result(result);
  }

  private static double median(Map<Variant, List<Double>> byVariant, Variant v) {
    return Stats.median(byVariant.getOrDefault(v, List.of()));
  }

  private record Trial(long done, double seconds) {
    double rate() {
      return done / seconds;
    }
  }

  private Trial drain(Drain drain, Variant v, int t, int jobs) throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + trialLimit.toNanos();
    long lastPrint = started;
    drain.start();
    try {
      while (drain.done() < jobs && System.nanoTime() < deadline) {
        Thread.sleep(20);
        if (System.nanoTime() - lastPrint > 10_000_000_000L) {
          lastPrint = System.nanoTime();
          report.progress("trial %d %s: %d/%d done", t, v.title, drain.done(), jobs);
        }
      }
      return new Trial(drain.done(), (System.nanoTime() - started) / 1e9);
    } finally {
      drain.close();
    }
  }

  private static void purge(SqsClient sqs, String queueUrl) {
    sqs.purgeQueue(r -> r.queueUrl(queueUrl));
  }
}
