package io.fenceq.bench;

import ch.qos.logback.classic.Level;
import io.fenceq.bench.capacity.CapacityBench;
import io.fenceq.bench.capacity.Load;
import io.fenceq.bench.failover.FailoverBench;
import io.fenceq.bench.leader.LeaderBench;
import io.fenceq.bench.redlock.RedlockBench;
import io.fenceq.bench.ring.RingBench;
import io.fenceq.bench.support.Report;
import io.fenceq.bench.support.Workload;
import io.fenceq.bench.throughput.ThroughputBench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmarks {@code bench/run <name>} runs. Each prints progress, ends with a RESULT line and
 * writes its figures to {@code <results>/<name>.md}.
 */
@Command(
    name = "bench/run",
    mixinStandardHelpOptions = true,
    description = "fenceq benchmarks and baselines.",
    subcommands = {
      BenchMain.Throughput.class,
      BenchMain.Failover.class,
      BenchMain.Leader.class,
      BenchMain.Redlock.class,
      BenchMain.Ring.class,
      BenchMain.Capacity.class
    })
public final class BenchMain {
  /** Options every benchmark takes. */
  static class Common {
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "show this benchmark's options and exit")
    boolean help;

    @Option(names = "--smoke", description = "a tiny size that runs in seconds (CI)")
    boolean smoke;

    @Option(
        names = "--results",
        description = "where <name>.md goes (default: ${DEFAULT-VALUE})",
        defaultValue = "bench/results")
    Path results;

    Report report(String name) {
      Report report = new Report(name, results, System.out);
      report.parameter("size", smoke ? "smoke (CI size; figures not meaningful)" : "full");
      return report;
    }
  }

  @Command(
      name = "throughput",
      description =
          "raw SQS vs fenceq workers vs fenceq's Lambda consumer vs per-job DynamoDB Lock Client.")
  static final class Throughput implements Callable<Integer> {
    @CommandLine.Mixin Common common = new Common();

    @Option(
        names = "--jobs",
        defaultValue = "20000",
        description = "jobs per trial (${DEFAULT-VALUE})")
    int jobs;

    @Option(
        names = "--consumers",
        defaultValue = "4",
        description = "receive loops per variant (${DEFAULT-VALUE})")
    int consumers;

    @Option(
        names = "--trials",
        defaultValue = "3",
        description = "alternated trials (${DEFAULT-VALUE})")
    int trials;

    @Option(
        names = "--variants",
        split = ",",
        description =
            "only these of raw, raw-write, fenceq, fenceq-per-job, lambda, lock-client (for"
                + " profiling; default all)")
    List<String> variants = List.of();

    @Option(
        names = "--keys",
        split = ",",
        description = "key mixes: uniform, zipf (s = 1.1 over the SKUs); default both")
    List<Workload.KeyMix> keys = List.of();

    @Option(
        names = "--aws-latency",
        description =
            "add a fixed round trip to every SQS and DynamoDB call of every variant, as on AWS"
                + " (--sqs-latency-ms, --dynamodb-latency-ms)")
    boolean awsLatency;

    @Option(
        names = "--long-poll",
        description =
            "every variant long-polls (1 s) instead of polling short and pausing after an empty"
                + " receive until one of its batches settles; on the embedded ElasticMQ a waiting"
                + " long poll slows the whole queue (docs/benchmarks.md)")
    boolean longPoll;

    @Option(
        names = "--sqs-latency-ms",
        defaultValue = "8",
        description = "with --aws-latency: per SQS call (${DEFAULT-VALUE})")
    int sqsLatencyMs;

    @Option(
        names = "--dynamodb-latency-ms",
        defaultValue = "5",
        description = "with --aws-latency: per DynamoDB call (${DEFAULT-VALUE})")
    int dynamoDbLatencyMs;

    @Override
    public Integer call() throws Exception {
      if (sqsLatencyMs < 0
          || sqsLatencyMs > 1000
          || dynamoDbLatencyMs < 0
          || dynamoDbLatencyMs > 1000) {
        System.err.println(
            "bench throughput: --sqs-latency-ms and --dynamodb-latency-ms must be 0 to 1000, got "
                + sqsLatencyMs
                + " and "
                + dynamoDbLatencyMs);
        return 2;
      }
      // One key mix alone writes a results file of its own, so that runs of each mix stand side
      // by side.
      String mix = keys.size() == 1 ? "-" + keys.getFirst().option() : "";
      Report report =
          common.report(
              "throughput"
                  + mix
                  + (awsLatency ? "-aws-latency" : "")
                  + (longPoll ? "-long-poll" : ""));
      new ThroughputBench(
              report,
              common.smoke,
              jobs,
              consumers,
              trials,
              variants,
              keys,
              Duration.ofMillis(awsLatency ? sqsLatencyMs : 0),
              Duration.ofMillis(awsLatency ? dynamoDbLatencyMs : 0),
              longPoll ? Duration.ofSeconds(1) : Duration.ZERO)
          .run();
      report.write();
      return 0;
    }
  }

  @Command(
      name = "failover",
      description = "kill -9 a worker holding lanes; time until they resume.")
  static final class Failover implements Callable<Integer> {
    @CommandLine.Mixin Common common = new Common();

    @Option(
        names = "--rounds",
        defaultValue = "3",
        description = "workers killed, one per round (${DEFAULT-VALUE})")
    int rounds;

    @Override
    public Integer call() throws Exception {
      Report report = common.report("failover");
      new FailoverBench(report, common.smoke, rounds).run();
      report.write();
      return 0;
    }
  }

  @Command(
      name = "leader",
      description =
          "DynamoDB lease vs SQS-token leader: failover after a crash and a pause, requests/h.")
  static final class Leader implements Callable<Integer> {
    @CommandLine.Mixin Common common = new Common();

    @Option(
        names = "--rounds",
        defaultValue = "3",
        description = "crashes and pauses per elector kind (${DEFAULT-VALUE})")
    int rounds;

    @Option(
        names = "--steady-seconds",
        defaultValue = "60",
        description = "window in which requests are counted (${DEFAULT-VALUE})")
    int steadySeconds;

    @Override
    public Integer call() throws Exception {
      Report report = common.report("leader");
      new LeaderBench(report, common.smoke, rounds, steadySeconds).run();
      report.write();
      return 0;
    }
  }

  @Command(
      name = "redlock",
      description =
          "Redlock, RLock, RFencedLock, fenceq-redis and fenceq under stalls, failovers, clock"
              + " jumps.")
  static final class Redlock implements Callable<Integer> {
    @CommandLine.Mixin Common common = new Common();

    @Option(names = "--redis-server", required = true, description = "the redis-server binary")
    Path redisServer;

    @Option(
        names = "--seconds",
        defaultValue = "120",
        description =
            "longest run per contender if its SKUs do not sell out first (${DEFAULT-VALUE})")
    int seconds;

    @Override
    public Integer call() throws Exception {
      Report report = common.report("redlock");
      new RedlockBench(report, common.smoke, redisServer, seconds).run();
      report.write();
      return 0;
    }
  }

  @Command(name = "ring", description = "ring lookup latency (JMH), balance and movement.")
  static final class Ring implements Callable<Integer> {
    @CommandLine.Mixin Common common = new Common();

    @Override
    public Integer call() throws Exception {
      Report report = common.report("ring");
      new RingBench(report, common.smoke).run();
      report.write();
      return 0;
    }
  }

  @Command(
      name = "capacity",
      description =
          "capacity and cost model on AWS from stated limits and prices: lanes, queues, DynamoDB"
              + " partitions, dollars per million jobs against a per-job lock and Redlock.")
  static final class Capacity implements Callable<Integer> {
    @CommandLine.Mixin Common common = new Common();

    private static final Load DEFAULTS = Load.defaults();

    @Option(
        names = "--jobs-per-second",
        defaultValue = "1000",
        description = "peak jobs per second (${DEFAULT-VALUE})")
    double jobsPerSecond;

    @Option(
        names = "--keys",
        defaultValue = "100000",
        description = "distinct keys (${DEFAULT-VALUE})")
    int keys;

    @Option(
        names = "--zipf",
        defaultValue = "1.1",
        description = "Zipf exponent of the keys, 0 = uniform (${DEFAULT-VALUE})")
    double zipf;

    @Option(names = "--lanes", defaultValue = "256", description = "lanes (${DEFAULT-VALUE})")
    int lanes;

    @Option(
        names = "--jobs-per-key-batch",
        description =
            "jobs of one key per coalesced write, 1 to 10 (default: derived from the key skew)")
    Double jobsPerKeyBatch;

    @Option(
        names = "--lease-writes-per-job",
        description =
            "lane lease writes per job, 0 to 2 (0.1 measured under a backlog;"
                + " default: 1 per lane-batch, the batch derived from the rate per lane)")
    Double leaseWritesPerJob;

    @Option(
        names = "--handler-ms",
        defaultValue = "2",
        description = "handler time per job besides its write (${DEFAULT-VALUE})")
    double handlerMs;

    @Option(
        names = "--sqs-rtt-ms",
        defaultValue = "8",
        description = "one SQS round trip (${DEFAULT-VALUE})")
    double sqsRttMs;

    @Option(
        names = "--dynamodb-rtt-ms",
        defaultValue = "5",
        description = "one DynamoDB round trip (${DEFAULT-VALUE})")
    double dynamoDbRttMs;

    @Option(
        names = "--lease-seconds",
        defaultValue = "30",
        description = "lane lease duration (${DEFAULT-VALUE})")
    double leaseSeconds;

    @Option(
        names = "--redlock-nodes",
        defaultValue = "5",
        description = "Redis servers of the Redlock baseline (${DEFAULT-VALUE})")
    int redlockNodes;

    @Option(
        names = "--redis-node-usd-per-hour",
        description = "on-demand price of one of them (default: the stated cache.r6g.large price)")
    Double redisNodeUsdPerHour;

    @Override
    public Integer call() {
      Load workload;
      try {
        workload =
            new Load(
                jobsPerSecond,
                keys,
                zipf,
                lanes,
                jobsPerKeyBatch == null ? Double.NaN : jobsPerKeyBatch,
                leaseWritesPerJob == null ? Double.NaN : leaseWritesPerJob,
                handlerMs,
                sqsRttMs,
                dynamoDbRttMs,
                leaseSeconds,
                redlockNodes,
                redisNodeUsdPerHour == null ? DEFAULTS.redisNodeUsdPerHour() : redisNodeUsdPerHour);
      } catch (IllegalArgumentException e) {
        System.err.println("bench capacity: " + e.getMessage());
        return 2;
      }
      Report report = common.report("capacity");
      new CapacityBench(report, System.out, workload).run();
      report.write();
      return 0;
    }
  }

  public static void main(String[] args) {
    // Progress and RESULT lines are the output; the engine's per-lane logs would drown them.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.ERROR);
    // bench/run passes --results first; a --results of the caller's, later, wins.
    CommandLine cli =
        new CommandLine(new BenchMain())
            .setOverwrittenOptionsAllowed(true)
            .setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          System.err.println("bench: error: " + e);
          if (System.getenv("FENCEQ_DEBUG") != null) {
            e.printStackTrace();
          }
          return 1;
        });
    // DynamoDB Local leaves non-daemon threads behind.
    System.exit(cli.execute(args));
  }
}
