package io.fenceq.bench.throughput;

import com.amazonaws.services.dynamodbv2.AmazonDynamoDBLockClient;
import com.amazonaws.services.dynamodbv2.CreateDynamoDBTableOptions;
import io.fenceq.bench.support.ApiCalls;
import io.fenceq.bench.support.ApplyLatency;
import io.fenceq.bench.support.AwsLatency;
import io.fenceq.bench.support.BenchClients;
import io.fenceq.bench.support.CpuSplit;
import io.fenceq.bench.support.DynamoDbWrites;
import io.fenceq.bench.support.Report;
import io.fenceq.bench.support.Stats;
import io.fenceq.bench.support.Workload;
import io.fenceq.bench.support.Workload.KeyMix;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.lease.LeaseStore;
import io.fenceq.local.LocalAws;
import io.fenceq.ring.HashRing;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
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
    RAW("raw SQS (receive + delete)", "raw"),
    RAW_WRITE("raw SQS + unfenced write", "raw_write"),
    FENCEQ("fenceq workers", "fenceq"),
    FENCEQ_PER_JOB("fenceq workers, one write per job", "fenceq_per_job"),
    LAMBDA("fenceq Lambda consumer (local event source)", "fenceq_lambda"),
    LOCK_CLIENT("per-job DynamoDB Lock Client", "lock_client");

    final String title;

    /** The variant's name in RESULT keys. */
    final String resultName;

    Variant(String title, String resultName) {
      this.title = title;
      this.resultName = resultName;
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
  private final Duration sqsLatency;
  private final Duration dynamoDbLatency;

  /** Every variant's receive wait: zero polls short (the default), see {@link GroupPipeline}. */
  private final Duration receiveWait;

  private final List<KeyMix> mixes;
  private final ApplyLatency latency = new ApplyLatency(Clock.systemUTC());

  /**
   * @param only the variants to run (raw, raw-write, fenceq, fenceq-per-job, lambda, lock-client),
   *     empty for all; ratios need raw and lock-client, so a partial run is for profiling
   */
  public ThroughputBench(
      Report report,
      boolean smoke,
      int jobs,
      int consumers,
      int trials,
      List<String> only,
      List<KeyMix> mixes,
      Duration sqsLatency,
      Duration dynamoDbLatency,
      Duration receiveWait) {
    this.receiveWait = receiveWait;
    this.only = only;
    this.mixes = mixes.isEmpty() ? List.of(KeyMix.UNIFORM, KeyMix.ZIPF) : List.copyOf(mixes);
    this.sqsLatency = sqsLatency;
    this.dynamoDbLatency = dynamoDbLatency;
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
    report.parameter(
        "key mixes",
        mixes.stream()
            .map(m -> m == KeyMix.ZIPF ? "zipf (s = " + KeyMix.ZIPF_EXPONENT + ")" : m.option())
            .toList());
    report.parameter(
        "added round trip per call (--aws-latency)",
        sqsLatency.isZero() && dynamoDbLatency.isZero()
            ? "none"
            : "SQS "
                + sqsLatency.toMillis()
                + " ms, DynamoDB "
                + dynamoDbLatency.toMillis()
                + " ms");
    report.parameter(
        "receives",
        receiveWait.isZero()
            ? "short polls (wait 0), pausing after an empty receive until one of the consumer's"
                + " batches settles, 10 ms doubling to 500 ms at most (EmptyReceivePause)"
            : "long polls of " + receiveWait.toSeconds() + " s (--long-poll)");
    report.progress("starting the emulators");
    try (LocalAws aws = LocalAws.builder().stackName("fenceq-bench").start()) {
      DynamoDbWrites writes = new DynamoDbWrites();
      ApiCalls dynamoDbCalls = new ApiCalls();
      ApiCalls sqsCalls = new ApiCalls();
      try (DynamoDbClient dynamoDb =
              BenchClients.dynamoDb(aws, writes, dynamoDbCalls, new AwsLatency(dynamoDbLatency));
          SqsClient sqs = BenchClients.sqs(aws, sqsCalls, new AwsLatency(sqsLatency))) {
        run(aws, sqs, dynamoDb, writes, new Calls(dynamoDbCalls, sqsCalls, new CpuSplit()));
      }
    }
  }

  /** The calls every variant's clients make, and the process's CPU time by part. */
  private record Calls(ApiCalls dynamoDb, ApiCalls sqs, CpuSplit cpu) {
    Count now() {
      return new Count(dynamoDb.count(), sqs.count(), cpu.now());
    }
  }

  /** Calls made and CPU time used so far. */
  private record Count(long dynamoDb, long sqs, CpuSplit.Snapshot cpu) {}

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
    drains.put(
        Variant.RAW,
        () ->
            new GroupPipeline(sqs, queueUrl, consumers, receiveWait, latency, (c, group) -> group));
    drains.put(
        Variant.RAW_WRITE,
        () ->
            new GroupPipeline(
                sqs,
                queueUrl,
                consumers,
                receiveWait,
                latency,
                (consumer, group) -> {
                  group.forEach(m -> Workload.plainReserve(dynamoDb, inventoryTable, m.body()));
                  return group;
                }));
    drains.put(
        Variant.FENCEQ,
        () ->
            new FenceqDrain(
                base, sqs, dynamoDb, inventory, consumers, receiveWait, false, latency));
    drains.put(
        Variant.FENCEQ_PER_JOB,
        () ->
            new FenceqDrain(base, sqs, dynamoDb, inventory, consumers, receiveWait, true, latency));
    drains.put(
        Variant.LAMBDA,
        () -> new LambdaDrain(base, sqs, dynamoDb, inventory, consumers, receiveWait, latency));
    drains.put(
        Variant.LOCK_CLIENT,
        () ->
            new LockClientDrain(
                sqs,
                queueUrl,
                dynamoDb,
                LOCK_TABLE,
                inventoryTable,
                consumers,
                receiveWait,
                latency));
    if (!only.isEmpty()) {
      drains
          .keySet()
          .removeIf(v -> !only.contains(v.name().toLowerCase(Locale.ROOT).replace('_', '-')));
    }
    Map<Variant, String> coordinationTable =
        Map.of(
            Variant.FENCEQ,
            leaseTable,
            Variant.FENCEQ_PER_JOB,
            leaseTable,
            Variant.LAMBDA,
            leaseTable,
            Variant.LOCK_CLIENT,
            LOCK_TABLE);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("jobs", jobs);
    result.put("consumers", consumers);
    result.put("trials", trials);
    result.put(
        "aws_latency_ms",
        sqsLatency.isZero() && dynamoDbLatency.isZero()
            ? "none"
            : sqsLatency.toMillis() + "/" + dynamoDbLatency.toMillis());
    boolean warm = false;
    for (KeyMix mix : mixes) {
      runMix(
          mix,
          warm,
          drains,
          coordinationTable,
          sqs,
          queueUrl,
          ring,
          keys,
          writes,
          calls,
          leaseTable,
          inventoryTable,
          result);
      warm = true;
    }
    report.result(result);
  }

  /** Every variant in alternated trials on one key mix; its tables and RESULT entries. */
  private void runMix(
      KeyMix mix,
      boolean warm,
      Map<Variant, Supplier<Drain>> drains,
      Map<Variant, String> coordinationTable,
      SqsClient sqs,
      String queueUrl,
      HashRing ring,
      List<String> keys,
      DynamoDbWrites writes,
      Calls calls,
      String leaseTable,
      String inventoryTable,
      Map<String, Object> result)
      throws InterruptedException {
    Random random = new Random(42);
    String m = mix.option();

    Map<Variant, List<Double>> rates = new LinkedHashMap<>();
    Map<Variant, List<Double>> writesPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> dynamoDbCallsPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> sqsCallsPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> cpuPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> consumerCpuPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> sqsEmulatorCpuPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> dynamoDbEmulatorCpuPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> jvmCpuPerJob = new LinkedHashMap<>();
    Map<Variant, List<Double>> p99 = new LinkedHashMap<>();
    Map<Variant, List<Double>> businessPerJob = new LinkedHashMap<>();
    List<Double> jobsPerGrant = new ArrayList<>();
    // The fewest lease writes per job each trial's backlog allows (full lane-batches of ten).
    List<Double> writesFloor = new ArrayList<>();
    List<Variant> order = new ArrayList<>(drains.keySet());
    List<List<String>> trialRows = new ArrayList<>();
    if (warmUpJobs > 0 && !warm) {
      // The JIT and the emulators' first minute are 2-4x slower; no variant may pay for that alone.
      for (Variant v : order) {
        report.progress("warm-up %s: %d jobs, not counted", v.title, warmUpJobs);
        Workload.enqueue(sqs, queueUrl, ring, keys, warmUpJobs, mix, random);
        if (drain(drains.get(v).get(), v, 0, warmUpJobs).done < warmUpJobs) {
          purge(sqs, queueUrl);
        }
      }
    }
    for (int t = 1; t <= trials; t++) {
      for (Variant v : order) {
        report.progress("%s trial %d/%d %s: enqueueing %d jobs", m, t, trials, v.title, jobs);
        double floor =
            Workload.leaseWritesFloor(
                Workload.enqueue(sqs, queueUrl, ring, keys, jobs, mix, random));
        writesFloor.add(floor);
        latency.reset();
        String table = coordinationTable.get(v);
        long writesBefore = table == null ? 0 : writes.to(table);
        long inventoryBefore = writes.to(inventoryTable);
        long grantsBefore = grants(writes, leaseTable);
        Count before = calls.now();
        Trial trial = drain(drains.get(v).get(), v, t, jobs);
        Count after = calls.now();
        double dynamoDbPerJob = (after.dynamoDb() - before.dynamoDb()) / (double) trial.done;
        double sqsPerJob = (after.sqs() - before.sqs()) / (double) trial.done;
        CpuSplit.Parts cpu = after.cpu().since(before.cpu());
        double cpuMsPerJob = cpu.processNanos() / 1e6 / trial.done;
        double consumerMsPerJob = cpu.consumerNanos() / 1e6 / trial.done;
        double sqsEmulatorMsPerJob = cpu.sqsNanos() / 1e6 / trial.done;
        double dynamoDbEmulatorMsPerJob = cpu.dynamoDbNanos() / 1e6 / trial.done;
        double jvmMsPerJob = cpu.jvmNanos() / 1e6 / trial.done;
        dynamoDbCallsPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(dynamoDbPerJob);
        sqsCallsPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(sqsPerJob);
        cpuPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(cpuMsPerJob);
        consumerCpuPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(consumerMsPerJob);
        sqsEmulatorCpuPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(sqsEmulatorMsPerJob);
        dynamoDbEmulatorCpuPerJob
            .computeIfAbsent(v, x -> new ArrayList<>())
            .add(dynamoDbEmulatorMsPerJob);
        jvmCpuPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(jvmMsPerJob);
        double coordination =
            table == null ? 0 : (writes.to(table) - writesBefore) / (double) trial.done;
        double business = (writes.to(inventoryTable) - inventoryBefore) / (double) trial.done;
        long grants = grants(writes, leaseTable) - grantsBefore;
        if (v == Variant.FENCEQ && grants > 0) {
          jobsPerGrant.add(trial.done / (double) grants);
        }
        rates.computeIfAbsent(v, x -> new ArrayList<>()).add(trial.rate());
        double p99Ms = latency.quantile(0.99);
        p99.computeIfAbsent(v, x -> new ArrayList<>()).add(p99Ms);
        businessPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(business);
        writesPerJob.computeIfAbsent(v, x -> new ArrayList<>()).add(coordination);
        trialRows.add(
            List.of(
                m,
                Integer.toString(t),
                v.title,
                Long.toString(trial.done),
                Report.format(trial.seconds),
                Report.format(trial.rate()),
                Report.format(coordination),
                Report.format(business),
                Report.format(dynamoDbPerJob),
                Report.format(sqsPerJob),
                Report.format(cpuMsPerJob),
                Report.format(consumerMsPerJob)
                    + " / "
                    + Report.format(sqsEmulatorMsPerJob)
                    + " / "
                    + Report.format(dynamoDbEmulatorMsPerJob)
                    + " / "
                    + Report.format(jvmMsPerJob),
                Report.format(p99Ms)));
        report.progress(
            "%s trial %d/%d %s: %d jobs in %.1f s = %.0f jobs/s, coordination writes/job %.2f,"
                + " p99 %.0f ms",
            m, t, trials, v.title, trial.done, trial.seconds, trial.rate(), coordination, p99Ms);
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
              Report.format(median(businessPerJob, v)),
              Report.format(median(p99, v)),
              Report.format(median(cpuPerJob, v)),
              Report.format(median(consumerCpuPerJob, v))
                  + " / "
                  + Report.format(median(sqsEmulatorCpuPerJob, v))
                  + " / "
                  + Report.format(median(dynamoDbEmulatorCpuPerJob, v))
                  + " / "
                  + Report.format(median(jvmCpuPerJob, v))));
    }
    report.table(
        "Medians, " + m + " keys",
        List.of(
            "variant",
            "jobs/s",
            "vs raw",
            "coordination writes per job",
            "DynamoDB calls per job",
            "SQS calls per job",
            "entity writes per job",
            "p99 enqueue-to-apply ms",
            "CPU ms per job (emulators included)",
            "of which consumers / SQS emulator / DynamoDB emulator / JVM (GC, JIT)"),
        summary);
    report.table(
        "Every trial, " + m + " keys",
        List.of(
            "keys",
            "trial",
            "variant",
            "jobs",
            "seconds",
            "jobs/s",
            "coordination writes/job",
            "inventory writes/job",
            "DynamoDB calls/job",
            "SQS calls/job",
            "CPU ms/job",
            "of which consumers / SQS emulator / DynamoDB emulator / JVM (GC, JIT)",
            "p99 ms"),
        trialRows);
    String p = mix == KeyMix.UNIFORM ? "" : m + "_";
    result.put(p + "raw_per_s", raw);
    result.put(p + "raw_write_per_s", rawWrite);
    result.put(p + "fenceq_per_s", fenceq);
    result.put(p + "lock_client_per_s", lock);
    result.put(p + "fenceq_over_raw", fenceq / raw);
    result.put(p + "fenceq_over_raw_write", fenceq / rawWrite);
    result.put(p + "fenceq_over_lock_client", fenceq / lock);
    result.put(p + "fenceq_lease_writes_per_job", fenceqWrites);
    result.put(p + "lock_client_lock_writes_per_job", lockWrites);
    result.put(p + "fenceq_jobs_per_lease_grant", Stats.median(jobsPerGrant));
    result.put(p + "lease_writes_floor_per_job", Stats.median(writesFloor));
    result.put(p + "fenceq_dynamodb_calls_per_job", median(dynamoDbCallsPerJob, Variant.FENCEQ));
    result.put(
        p + "lock_client_dynamodb_calls_per_job", median(dynamoDbCallsPerJob, Variant.LOCK_CLIENT));
    result.put(p + "fenceq_cpu_ms_per_job", median(cpuPerJob, Variant.FENCEQ));
    result.put(p + "lock_client_cpu_ms_per_job", median(cpuPerJob, Variant.LOCK_CLIENT));
    for (Variant v : List.of(Variant.RAW_WRITE, Variant.FENCEQ, Variant.LOCK_CLIENT)) {
      String name = p + v.resultName;
      result.put(name + "_consumer_cpu_ms_per_job", median(consumerCpuPerJob, v));
      result.put(name + "_sqs_emulator_cpu_ms_per_job", median(sqsEmulatorCpuPerJob, v));
      result.put(name + "_dynamodb_emulator_cpu_ms_per_job", median(dynamoDbEmulatorCpuPerJob, v));
      result.put(name + "_jvm_cpu_ms_per_job", median(jvmCpuPerJob, v));
    }
    result.put(p + "fenceq_per_job_per_s", median(rates, Variant.FENCEQ_PER_JOB));
    result.put(p + "fenceq_over_fenceq_per_job", fenceq / median(rates, Variant.FENCEQ_PER_JOB));
    result.put(p + "fenceq_entity_writes_per_job", median(businessPerJob, Variant.FENCEQ));
    result.put(p + "fenceq_p99_ms", median(p99, Variant.FENCEQ));
    result.put(p + "raw_write_p99_ms", median(p99, Variant.RAW_WRITE));
    result.put(p + "lock_client_p99_ms", median(p99, Variant.LOCK_CLIENT));
    double lambda = median(rates, Variant.LAMBDA);
    result.put(p + "fenceq_lambda_jobs_per_s", lambda);
    result.put(p + "fenceq_lambda_over_worker", lambda / fenceq);
    result.put(p + "fenceq_lambda_over_lock_client", lambda / lock);
    result.put(p + "fenceq_lambda_lease_writes_per_job", median(writesPerJob, Variant.LAMBDA));
    result.put(
        p + "fenceq_lambda_dynamodb_calls_per_job", median(dynamoDbCallsPerJob, Variant.LAMBDA));
    result.put(p + "fenceq_lambda_sqs_calls_per_job", median(sqsCallsPerJob, Variant.LAMBDA));
    result.put(p + "fenceq_lambda_p99_ms", median(p99, Variant.LAMBDA));
    boolean latency = !sqsLatency.isZero() || !dynamoDbLatency.isZero();
    double lockTarget = latency || mix == KeyMix.ZIPF ? 5 : 3;
    double rawWriteTarget = mix == KeyMix.ZIPF ? 1.5 : 1.0;
    result.put(p + "target_writes_0.2", fenceqWrites <= 0.2 ? "met" : "missed");
    result.put(
        p + "target_" + Report.format(lockTarget) + "x_lock_client",
        fenceq / lock >= lockTarget ? "met" : "missed");
    result.put(
        p + "target_" + Report.format(rawWriteTarget) + "x_raw_write",
        fenceq / rawWrite >= rawWriteTarget ? "met" : "missed");
  }

  /** Lease grants written so far: a lane's grant records its batch, any other does not. */
  private static long grants(DynamoDbWrites writes, String leaseTable) {
    return writes.to(leaseTable, LeaseStore.ACQUIRE_LANE_UPDATE)
        + writes.to(leaseTable, LeaseStore.ACQUIRE_UPDATE);
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
