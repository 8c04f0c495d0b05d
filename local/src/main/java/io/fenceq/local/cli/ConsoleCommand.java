package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.local.console.ConsoleServer;
import io.fenceq.local.console.ConsoleState;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code fenceq console}: a read-only web page of the lanes' leases and the queue's counts. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "Serves a read-only web page of the lease table (lanes and leaders) and the queue's and"
          + " dead-letter queue's approximate counts, refreshed every few seconds from /api/state.",
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
                    dynamoDb, leaseTable, sqs, blankToNull(queueUrl), blankToNull(dlqUrl)))) {
      spec.commandLine()
          .getOut()
          .printf("console=http://%s:%d/ readOnly=true%n", bind, server.port());
      spec.commandLine().getOut().flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "fenceq-console-stop"));
      stop.await();
      return 0;
    } catch (SdkException e) {
      throw new FenceqException("AWS client error: " + e.getMessage(), e);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
