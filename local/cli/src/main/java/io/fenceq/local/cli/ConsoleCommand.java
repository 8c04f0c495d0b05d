package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.dlq.DeadLetters;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.local.console.ConsoleServer;
import io.fenceq.local.console.ConsoleState;
import io.fenceq.local.console.ConsoleStats;
import io.fenceq.local.console.DeadLetterConsole;
import io.fenceq.metrics.EmbeddedMetricFormat;
import io.fenceq.metrics.Metrics;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.ring.HashRing;
import io.fenceq.stats.StatsReader;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code fenceq console}: a web page of the lanes' leases, the queue's counts and the dead-letter
 * queue's jobs; read-only unless {@code --allow-writes}, which enables redrive and delete.
 */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Serves a web page of the lease table (lanes and leaders), the queue's and dead-letter"
          + " queue's approximate counts, refreshed every few seconds from /api/state, and the"
          + " dead-letter queue's jobs on request.",
      "Read-only unless --allow-writes: then the page can redrive or delete dead-lettered jobs,"
          + " each after a dry run and a confirmation.",
      "Binds to the loopback interface unless --bind says otherwise. Endpoints, region and"
          + " credentials come from the standard AWS environment variables. See docs/console.md."
    })
final class ConsoleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "8787",
      description = "The port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--lease-table",
      defaultValue = "${env:FENCEQ_LEASE_TABLE}",
      description = "The lease table (default: $FENCEQ_LEASE_TABLE).")
  String leaseTable;

  @Option(
      names = "--queue-url",
      defaultValue = "${env:FENCEQ_QUEUE_URL}",
      description = "The work queue (default: $FENCEQ_QUEUE_URL).")
  String queueUrl;

  @Option(
      names = "--dlq-url",
      defaultValue = "${env:FENCEQ_DLQ_URL}",
      description = "The dead-letter queue (default: $FENCEQ_DLQ_URL).")
  String dlqUrl;

  @Option(
      names = "--lanes",
      defaultValue = "${env:FENCEQ_LANES:-256}",
      description =
          "Lanes on the ring before any reshard (a reshard's count is read from the lease"
              + " table); a redrive routes by it; must match the consumers"
              + " (default: $FENCEQ_LANES or 256).")
  int lanes;

  @Option(
      names = "--allow-writes",
      description =
          "Allow redriving and deleting dead-lettered jobs from the page (default: read-only).")
  boolean allowWrites;

  @Option(
      names = "--emf-metrics",
      description =
          "Print the lane backlog metrics (MaxLaneBacklog, LanesNearScanWindow) to standard output"
              + " in CloudWatch Embedded Metric Format at each stats sample.")
  boolean emfMetrics;

  @Override
  public Integer call() throws InterruptedException {
    if (leaseTable == null || leaseTable.isBlank()) {
      throw new IllegalArgumentException(
          "no lease table: pass --lease-table or set FENCEQ_LEASE_TABLE (`fenceq local` prints it)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0..65535, got " + port);
    }
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(AwsClients.Target.fromEnvironment());
        SqsClient sqs = AwsClients.sqs(AwsClients.Target.fromEnvironment());
        ConsoleServer server =
            ConsoleServer.start(
                new InetSocketAddress(bind, port),
                new ConsoleState(
                    dynamoDb,
                    leaseTable,
                    sqs,
                    blankToNull(queueUrl),
                    blankToNull(dlqUrl),
                    Clock.systemUTC(),
                    new ConsoleStats(
                        new StatsReader(dynamoDb, leaseTable),
                        Clock.systemUTC(),
                        emfMetrics ? EmbeddedMetricFormat.toStdout() : Metrics.none(),
                        queueName()),
                    lanes),
                deadLetters(sqs, dynamoDb))) {
      spec.commandLine()
          .getOut()
          .printf("console=http://%s:%d/ readOnly=%s%n", bind, server.port(), !allowWrites);
      spec.commandLine().getOut().flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "fenceq-console-stop"));
      stop.await();
      return 0;
    } catch (SdkException e) {
      throw new FenceqException("AWS client error: " + e.getMessage(), e);
    }
  }

  /** The dead-letter actions, or null without a dead-letter queue. */
  private DeadLetterConsole deadLetters(SqsClient sqs, DynamoDbClient dynamoDb) {
    if (blankToNull(dlqUrl) == null) {
      if (allowWrites) {
        throw new IllegalArgumentException(
            "--allow-writes needs a dead-letter queue: pass --dlq-url or set FENCEQ_DLQ_URL");
      }
      return null;
    }
    DeadLetters.Builder b = DeadLetters.builder().sqs(sqs).deadLetterQueueUrl(dlqUrl);
    if (blankToNull(queueUrl) != null) {
      b.workQueueUrl(queueUrl)
          .ring(HashRing.of(lanes))
          .leases(new LeaseTableReader(dynamoDb, leaseTable))
          .ringEpochs(new RingConfigTable(dynamoDb, leaseTable, lanes, Clock.systemUTC()));
    } else if (allowWrites) {
      throw new IllegalArgumentException(
          "--allow-writes needs the work queue to redrive to: pass --queue-url or set"
              + " FENCEQ_QUEUE_URL");
    }
    return new DeadLetterConsole(b.build(), allowWrites, Clock.systemUTC());
  }

  /** The work queue's name, the last part of its URL, or the lease table's without one. */
  private String queueName() {
    String url = blankToNull(queueUrl);
    return url == null ? leaseTable : url.substring(url.lastIndexOf('/') + 1);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
