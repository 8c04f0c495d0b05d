package io.fenceq.local.cli;

import io.fenceq.local.LocalAws;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceq local}: embedded SQS and DynamoDB, provisioned from template.yaml, until Ctrl-C.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Starts ElasticMQ (SQS) and DynamoDB Local in this process, creates the queues and tables"
          + " template.yaml declares, prints the environment to use them, and runs until Ctrl-C."
    })
final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--sqs-port",
      defaultValue = "9324",
      description = "SQS port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int sqsPort;

  @Option(
      names = "--dynamodb-port",
      defaultValue = "8000",
      description = "DynamoDB port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int dynamoDbPort;

  @Option(
      names = "--stack-name",
      defaultValue = "fenceq-local",
      description = "Stack name that resource names derive from (default: ${DEFAULT-VALUE}).")
  String stackName;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    LocalAws aws =
        LocalAws.builder().sqsPort(sqsPort).dynamoDbPort(dynamoDbPort).stackName(stackName).start();
    Thread hook =
        new Thread(
            () -> {
              aws.close();
              out.println("fenceq local: stopped");
              out.flush();
              stopped.countDown();
            },
            "fenceq-local-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("fenceq local: running");
    out.println("  SQS       " + aws.sqsEndpoint());
    out.println(
        "  DynamoDB  " + aws.dynamoDbEndpoint() + " (DynamoDB Local listens on all interfaces)");
    out.println();
    out.println("In another terminal, run these, then e.g.");
    out.println("  ./fenceq enqueue --key sku-1 --type reserve --payload '{\"qty\":1}'");
    out.println();
    for (Map.Entry<String, String> e : aws.environment().entrySet()) {
      out.println("export " + e.getKey() + "=" + e.getValue());
    }
    out.println();
    out.println("Ctrl-C stops and discards everything (the emulators keep no data on disk).");
    out.flush();
    stopped.await();
    return 0;
  }
}
