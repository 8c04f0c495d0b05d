package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.reshard.Resharding;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.RingMove;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code fenceq reshard --lanes N}: changes a live queue's lane count, watching its barriers. */
@Command(
    name = "reshard",
    mixinStandardHelpOptions = true,
    description = {
      "Changes the lane count of a live queue without reordering a key: writes the ring's next"
          + " epoch to the lease table, waits the grace period for producers to switch, sends one"
          + " barrier into each old lane and reports progress until every barrier has passed."
          + " Producers and consumers must follow the ring's epoch (FENCEQ_RING_EPOCHS=true);"
          + " see docs/resharding.md.",
      "Endpoints, region and credentials come from the standard AWS environment variables."
    })
final class ReshardCommand implements Callable<Integer> {
  /** Keys the predicted move is measured on. */
  static final int PREDICTION_KEYS = 100_000;

  @Spec CommandSpec spec;

  @Option(names = "--lanes", required = true, description = "The new lane count (1 to 10000).")
  int lanes;

  @Option(
      names = "--queue-url",
      defaultValue = "${env:FENCEQ_QUEUE_URL}",
      description = "The FIFO work queue (default: $FENCEQ_QUEUE_URL).")
  String queueUrl;

  @Option(
      names = "--table",
      defaultValue = "${env:FENCEQ_LEASE_TABLE}",
      description = "The lease table (default: $FENCEQ_LEASE_TABLE).")
  String table;

  @Option(
      names = "--current-lanes",
      defaultValue = "${env:FENCEQ_LANES:-256}",
      description =
          "The configured lane count, the ring's before any reshard (default: $FENCEQ_LANES or"
              + " 256); the lease table's epoch overrides it once there is one.")
  int configuredLanes;

  @Option(
      names = "--grace",
      defaultValue = "20",
      description =
          "Seconds between the new epoch and the barriers: at least the producers' and consumers'"
              + " epoch refresh interval (default: 20).")
  int graceSeconds;

  @Option(
      names = "--timeout",
      defaultValue = "600",
      description = "Seconds to watch the barriers before giving up (default: 600).")
  int timeoutSeconds;

  @Option(
      names = "--dry-run",
      description = "Print the fraction of keys that would move, change nothing.")
  boolean dryRun;

  @Option(
      names = "--resume",
      description = "For a reshard under way: send its pending barriers again and watch them.")
  boolean resume;

  @Override
  public Integer call() throws InterruptedException {
    check(lanes >= 1 && lanes <= HashRing.MAX_LANES, "--lanes must be 1 to 10000, got " + lanes);
    check(
        configuredLanes >= 1 && configuredLanes <= HashRing.MAX_LANES,
        "--current-lanes must be 1 to 10000, got " + configuredLanes);
    check(graceSeconds >= 0 && graceSeconds <= 3600, "--grace must be 0 to 3600 s");
    check(timeoutSeconds >= 1, "--timeout must be at least 1 s");
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun && (table == null || table.isBlank())) {
      predict(out, RingEpoch.initial(configuredLanes));
      return 0;
    }
    check(
        table != null && !table.isBlank(),
        "no lease table: pass --table or set FENCEQ_LEASE_TABLE (`fenceq local` prints it)");
    check(
        queueUrl != null && !queueUrl.isBlank(),
        "no queue: pass --queue-url or set FENCEQ_QUEUE_URL (`fenceq local` prints it)");
    AwsClients.Target target = AwsClients.Target.fromEnvironment();
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(target);
        SqsClient sqs = AwsClients.sqs(target)) {
      RingConfigTable config =
          new RingConfigTable(dynamoDb, table, configuredLanes, Clock.systemUTC());
      Resharding resharding =
          Resharding.builder()
              .table(config)
              .sqs(sqs)
              .queueUrl(queueUrl)
              .grace(Duration.ofSeconds(graceSeconds))
              .build();
      return run(out, config, resharding);
    } catch (SdkException e) {
      throw new FenceqException("could not reach queue " + queueUrl + ": " + e.getMessage(), e);
    }
  }

  private int run(PrintWriter out, RingConfigTable config, Resharding resharding)
      throws InterruptedException {
    RingEpoch now = config.read();
    if (dryRun) {
      predict(out, now);
      return 0;
    }
    if (now.resharding() && !resume) {
      throw new FenceqException(
          "queue "
              + queueUrl
              + ": a reshard is already under way ("
              + now.describe()
              + "); run with --resume to send its barriers again and watch it");
    }
    if (!now.resharding()) {
      if (resume) {
        out.println("no reshard is under way (" + now.describe() + "); nothing to resume");
        return 0;
      }
      predict(out, now);
      now = resharding.begin(lanes);
      out.printf(
          "epoch %d written: %d -> %d lanes; waiting %ds for producers to switch%n",
          now.epoch(), now.previousLanes(), now.lanes(), graceSeconds);
      out.flush();
      Thread.sleep(Duration.ofSeconds(graceSeconds));
    }
    int sent = resharding.sendBarriers(now);
    out.printf("%d barriers sent into epoch %d%n", sent, now.epoch());
    out.flush();
    return watch(out, resharding, now);
  }

  /** Prints progress each time a barrier passes, until none is pending or the timeout. */
  private int watch(PrintWriter out, Resharding resharding, RingEpoch started)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    int total = started.previousLanes();
    int lastPending = -1;
    while (true) {
      RingEpoch now = resharding.progress();
      if (now.epoch() != started.epoch()) {
        throw new FenceqException(
            "queue " + queueUrl + ": the ring moved on to " + now.describe() + " meanwhile");
      }
      if (now.pending().size() != lastPending) {
        lastPending = now.pending().size();
        out.printf("barriers passed: %d/%d%n", total - lastPending, total);
        out.flush();
      }
      if (!now.resharding()) {
        out.printf("reshard done: %s%n", now.describe());
        return 0;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new FenceqException(
            "queue "
                + queueUrl
                + ": "
                + now.pending().size()
                + " barrier(s) of epoch "
                + now.epoch()
                + " still pending after "
                + timeoutSeconds
                + "s (lanes "
                + now.pending()
                + "); are the consumers running with FENCEQ_RING_EPOCHS=true? run again with"
                + " --resume to keep watching");
      }
      Thread.sleep(Duration.ofSeconds(2));
    }
  }

  private void predict(PrintWriter out, RingEpoch now) {
    if (now.lanes() == lanes) {
      throw new IllegalArgumentException(
          "the ring already has " + lanes + " lanes (" + now.describe() + ")");
    }
    RingMove move = Resharding.predictedMove(HashRing.of(now.lanes()), lanes, PREDICTION_KEYS);
    out.printf(
        "%s -> %d lanes: moves %.2f%% of keys (ideal %.2f%%), measured on %d keys%n",
        now.describe(),
        lanes,
        100 * move.movedFraction(),
        100 * move.idealFraction(),
        PREDICTION_KEYS);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
