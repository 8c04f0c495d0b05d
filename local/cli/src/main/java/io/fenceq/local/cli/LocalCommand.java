package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.local.LocalAws;
import io.fenceq.local.PortInUseException;
import io.fenceq.worker.StopSignals;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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
          + " template.yaml declares, prints the environment to use them, and runs until Ctrl-C.",
      "With --workers N, also runs N workers with the example inventory handlers (reserve and"
          + " release on SKUs sku-0, sku-1, ...) and prints their progress.",
      "With --consumer lambda --workers N, runs the Lambda consumer function instead, invoked in"
          + " this process by a local SQS event source as Lambda's event source mapping would, with"
          + " up to N invocations at once."
    })
final class LocalCommand implements Callable<Integer> {
  private static final int MAX_WORKERS = 64;
  private static final int MAX_SKUS = 100_000;
  private static final long MAX_STOCK = 1_000_000_000L;

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

  @Option(
      names = "--workers",
      defaultValue = "0",
      description =
          "In-process workers running the example inventory handlers (default: ${DEFAULT-VALUE},"
              + " none).")
  int workers;

  @Option(
      names = "--consumer",
      defaultValue = "worker",
      description =
          "With --workers: worker (ECS-style workers, the default) or lambda (the consumer"
              + " function under a local SQS event source; --workers is then the most invocations"
              + " at once).")
  Consumer consumer;

  /** What consumes the work queue. */
  enum Consumer {
    worker,
    lambda
  }

  @Option(
      names = "--skus",
      defaultValue = "1000",
      description =
          "With --workers: SKUs sku-0 to sku-<n-1> to stock in the inventory table (default:"
              + " ${DEFAULT-VALUE}).")
  int skus;

  @Option(
      names = "--stock",
      defaultValue = "10000",
      description = "With --workers: the stock of each SKU (default: ${DEFAULT-VALUE}).")
  long stock;

  @Override
  public Integer call() throws InterruptedException {
    if (workers < 0 || workers > MAX_WORKERS) {
      throw new IllegalArgumentException(
          "--workers must be between 0 and " + MAX_WORKERS + ", got " + workers);
    }
    if (skus < 1 || skus > MAX_SKUS) {
      throw new IllegalArgumentException(
          "--skus must be between 1 and " + MAX_SKUS + ", got " + skus);
    }
    if (stock < 0 || stock > MAX_STOCK) {
      throw new IllegalArgumentException(
          "--stock must be between 0 and " + MAX_STOCK + ", got " + stock);
    }
    if (consumer == Consumer.lambda && workers == 0) {
      throw new IllegalArgumentException(
          "--consumer lambda needs --workers N, the most invocations at once (1 to "
              + MAX_WORKERS
              + ")");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CountDownLatch stopped = new CountDownLatch(1);
    LocalAws aws = startEmulators();
    Runnable running;
    try {
      running = startConsumer(aws, out);
    } catch (RuntimeException e) {
      aws.close();
      throw e;
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stop =
        () -> {
          if (!stopping.compareAndSet(false, true)) {
            return;
          }
          if (running != null) {
            out.println(
                consumer == Consumer.lambda
                    ? "fenceq local: stopping the event source (running invocations may finish)"
                    : "fenceq local: stopping the workers (running jobs may finish)");
            out.flush();
            running.run();
          }
          aws.close();
          out.println("fenceq local: stopped");
          out.flush();
          stopped.countDown();
        };
    // The first Ctrl-C stops the workers gracefully, a second one exits at once.
    StopSignals.install(
        () -> Thread.ofPlatform().name("fenceq-local-stop").start(stop),
        () -> {
          err.println("fenceq local: second signal, exiting now");
          err.flush();
        });
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "fenceq-local-shutdown"));
    out.println("fenceq local: running");
    out.println("  SQS       " + aws.sqsEndpoint());
    out.println(
        "  DynamoDB  " + aws.dynamoDbEndpoint() + " (DynamoDB Local listens on all interfaces)");
    out.println();
    out.println("In another terminal, run these, then e.g.");
    out.println("  ./fenceq enqueue --key sku-1 --type reserve --payload '{\"qty\":1}'");
    if (running != null) {
      out.println(
          "  ./fenceq enqueue --key sku-42 --type reserve --count 1000   # "
              + workers
              + (consumer == Consumer.lambda
                  ? " concurrent Lambda invocations here drain it"
                  : " workers here drain it"));
    }
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

  /** Starts the emulators; a taken port is named with the option that moves it. */
  private LocalAws startEmulators() {
    try {
      return LocalAws.builder()
          .sqsPort(sqsPort)
          .dynamoDbPort(dynamoDbPort)
          .stackName(stackName)
          .start();
    } catch (PortInUseException e) {
      String option =
          switch (e.service()) {
            case SQS -> "--sqs-port";
            case DYNAMODB -> "--dynamodb-port";
          };
      throw new FenceqException(
          e.service().displayName()
              + " port "
              + e.port()
              + " is already in use (another fenceq local?); stop it, or pass "
              + option
              + " <port>, or "
              + option
              + " 0 for any free port");
    }
  }

  /** Starts the chosen consumer, if any; returns how to stop it, or null. */
  private Runnable startConsumer(LocalAws aws, PrintWriter out) {
    if (workers == 0) {
      return null;
    }
    return switch (consumer) {
      case worker -> LocalWorkers.start(aws, workers, skus, stock, out)::close;
      case lambda -> LocalLambda.start(aws, workers, skus, stock, out)::close;
    };
  }
}
