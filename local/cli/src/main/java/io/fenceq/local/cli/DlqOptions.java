package io.fenceq.local.cli;

import io.fenceq.dlq.DeadLetterProgress;
import io.fenceq.dlq.DeadLetters;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.ring.HashRing;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The queues, ring and lease table every {@code fenceq dlq} command works on. */
final class DlqOptions {
  /** A progress line every this many messages of a phase. */
  private static final int PROGRESS_EVERY = 100;

  @Option(
      names = "--dlq-url",
      defaultValue = "${env:FENCEQ_DLQ_URL}",
      description = "The FIFO dead-letter queue (default: $FENCEQ_DLQ_URL).")
  String dlqUrl;

  @Option(
      names = "--queue-url",
      defaultValue = "${env:FENCEQ_QUEUE_URL}",
      description = "The FIFO work queue a redrive sends to (default: $FENCEQ_QUEUE_URL).")
  String queueUrl;

  @Option(
      names = "--lanes",
      defaultValue = "${env:FENCEQ_LANES:-256}",
      description = "Lanes on the ring; must match the consumers (default: $FENCEQ_LANES or 256).")
  int lanes;

  @Option(
      names = "--lease-table",
      defaultValue = "${env:FENCEQ_LEASE_TABLE}",
      description =
          "The lease table, which tells the lanes in flight on the work queue"
              + " (default: $FENCEQ_LEASE_TABLE).")
  String leaseTable;

  @Option(
      names = "--read-visibility",
      defaultValue = "30",
      description =
          "Seconds a read holds the messages it received before giving them back"
              + " (default: ${DEFAULT-VALUE}).")
  int readVisibilitySeconds;

  @Option(
      names = "--receive-wait",
      defaultValue = "1",
      description =
          "Seconds each receive long-polls; a read ends at the first receive that brings nothing"
              + " new (default: ${DEFAULT-VALUE}).")
  int receiveWaitSeconds;

  String requireDlqUrl() {
    if (dlqUrl == null || dlqUrl.isBlank()) {
      throw new IllegalArgumentException(
          "no dead-letter queue: pass --dlq-url or set FENCEQ_DLQ_URL (`fenceq local` prints it)");
    }
    return dlqUrl;
  }

  String requireQueueUrl() {
    if (queueUrl == null || queueUrl.isBlank()) {
      throw new IllegalArgumentException(
          "no work queue to redrive to: pass --queue-url or set FENCEQ_QUEUE_URL"
              + " (`fenceq local` prints it)");
    }
    return queueUrl;
  }

  /**
   * The operations on the dead-letter queue; with a work queue and ring when {@code redrive}.
   *
   * @param dynamoDb for the lease table, or null without one
   */
  DeadLetters deadLetters(
      SqsClient sqs, DynamoDbClient dynamoDb, boolean redrive, String command, PrintWriter err) {
    DeadLetters.Builder b =
        DeadLetters.builder()
            .sqs(sqs)
            .deadLetterQueueUrl(requireDlqUrl())
            .readVisibility(Duration.ofSeconds(readVisibilitySeconds))
            .receiveWait(Duration.ofSeconds(receiveWaitSeconds))
            .progress(p -> progress(p, command, err));
    if (redrive) {
      b.workQueueUrl(requireQueueUrl()).ring(HashRing.of(lanes));
      if (dynamoDb != null) {
        b.leases(new LeaseTableReader(dynamoDb, leaseTable))
            .ringEpochs(new RingConfigTable(dynamoDb, leaseTable, lanes, Clock.systemUTC()));
      }
    }
    return b.build();
  }

  boolean hasLeaseTable() {
    return leaseTable != null && !leaseTable.isBlank();
  }

  private static void progress(DeadLetterProgress p, String command, PrintWriter err) {
    if (p.done() > 0 && p.done() % PROGRESS_EVERY == 0) {
      err.printf("%s: %s %d messages of %s%n", command, p.phase(), p.done(), p.queueUrl());
      err.flush();
    }
  }
}
