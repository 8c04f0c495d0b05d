package io.fenceq.local.cli;

import io.fenceq.local.LocalAws;
import io.fenceq.local.demo.ConsumerHost;
import io.fenceq.local.demo.DemoOptions;
import io.fenceq.local.demo.DemoReport;
import io.fenceq.local.demo.DemoResult;
import io.fenceq.local.demo.DemoRunner;
import io.fenceq.local.demo.DemoStack;
import io.fenceq.local.demo.DemoTarget;
import io.fenceq.local.demo.Fault;
import io.fenceq.local.demo.Fencing;
import io.fenceq.local.template.ProvisionedStack;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fenceq demo}: reservations under faults on the embedded emulators, checked. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the inventory example under faults on embedded SQS and DynamoDB and checks that no"
          + " reservation was applied twice, out of order, lost or oversold.",
      "Stocks SKUs, enqueues reservation jobs (a Zipf-skewed key mix), runs workers, injects the"
          + " faults asked for at moments drawn from the seed, prints progress, then a table and"
          + " a RESULT line. Exit 0: every invariant held; 1: one was violated, or a fault asked"
          + " for never struck; 2: bad options."
    })
final class DemoCommand implements Callable<Integer> {
  /** Receives before SQS moves a job to the DLQ; see docs/demo.md, "Redrive". */
  static final String DEMO_MAX_RECEIVE_COUNT = "100";

  @Spec CommandSpec spec;

  @Option(
      names = "--jobs",
      defaultValue = "" + DemoOptions.DEFAULT_JOBS,
      description = "Reservation jobs to enqueue (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--skus",
      defaultValue = "" + DemoOptions.DEFAULT_SKUS,
      description = "SKUs, Zipf-skewed so that some are hot (default: ${DEFAULT-VALUE}).")
  int skus;

  @Option(
      names = "--stock",
      defaultValue = "" + DemoOptions.DEFAULT_STOCK,
      description = "Initial stock of each SKU; hot SKUs sell out (default: ${DEFAULT-VALUE}).")
  long stock;

  @Option(
      names = "--workers",
      defaultValue = "" + DemoOptions.DEFAULT_WORKERS,
      description = "Workers (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--faults",
      defaultValue = "none",
      description =
          "Faults to inject: a comma-separated list of crash, pause, partition, skew, throttle,"
              + " or all (default: ${DEFAULT-VALUE}).")
  String faults;

  @Option(
      names = "--seed",
      defaultValue = "" + DemoOptions.DEFAULT_SEED,
      description = "Seed of the workload and of the faults' moments (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--lease-seconds",
      defaultValue = "6",
      description = "Lane lease duration; a pause lasts twice this (default: ${DEFAULT-VALUE}).")
  int leaseSeconds;

  @Option(
      names = "--timeout-seconds",
      defaultValue = "1800",
      description =
          "Longest the run may take before it checks what it reached (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--process-workers",
      description =
          "Run each worker as a JVM of its own (fenceq worker): crash is SIGKILL, pause is"
              + " SIGSTOP then SIGCONT, partition goes through proxies in the demo's process;"
              + " skew and throttle need in-process workers. Checked from DynamoDB and SQS alone.")
  boolean processWorkers;

  @Option(
      names = "--consumer",
      defaultValue = "worker",
      description =
          "Which consumer drains the queue: worker (in-process ECS workers) or lambda (the local"
              + " SQS event source invoking the Lambda consumer; one environment per worker)"
              + " (default: ${DEFAULT-VALUE}).")
  String consumer;

  @Option(
      names = "--reshard-to",
      paramLabel = "LANES",
      description =
          "Reshard the queue to this many lanes once a third of the jobs are enqueued: the"
              + " producer and every worker follow the ring's epoch, and the summary reports the"
              + " barriers and the keys moved against the ring's prediction (default: no reshard).")
  Integer reshardTo;

  @Option(
      names = "--verbose",
      description = "Log the workers' and the engine's events to standard error.")
  boolean verbose;

  @Option(
      names = "--unsafe-no-fencing",
      hidden = true,
      description = "UNSAFE control experiment: writes without the fence condition.")
  boolean unsafeNoFencing;

  @Override
  public Integer call() throws InterruptedException {
    ConsumerHost host;
    try {
      host = ConsumerHost.parse(consumer);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("fenceq demo: " + e.getMessage());
      return 2;
    }
    if (host == ConsumerHost.LAMBDA && processWorkers) {
      spec.commandLine().getErr().println("fenceq demo: " + DemoOptions.LAMBDA_IN_PROCESS_ONLY);
      return 2;
    }
    DemoOptions options =
        DemoOptions.defaults()
            .withJobs(jobs)
            .withSkus(skus)
            .withStock(stock)
            .withWorkers(workers)
            .withFaults(Fault.parse(faults))
            .withSeed(seed)
            .withLease(Duration.ofSeconds(leaseSeconds))
            .withTimeout(Duration.ofSeconds(timeoutSeconds))
            .withFencing(unsafeNoFencing ? Fencing.OFF : Fencing.ON)
            .withProcessWorkers(processWorkers)
            .withConsumer(host);
    if (reshardTo != null) {
      options = options.withReshardTo(reshardTo);
    }
    if (!verbose) {
      // Under faults the workers log every fenced write and failed call; the table says it all.
      quiet("io.fenceq");
      quiet("software.amazon.awssdk");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "fenceq demo: %d jobs over %d SKUs (stock %d each), %d %s, faults: %s, seed %d%s%n",
        options.jobs(),
        options.skus(),
        options.stock(),
        options.workers(),
        options.processWorkers()
            ? "worker processes"
            : options.consumer() == ConsumerHost.LAMBDA ? "Lambda environments" : "workers",
        options.faults().isEmpty() ? "none" : faults,
        options.seed(),
        options.fencing() == Fencing.OFF ? ", UNSAFE: fencing OFF" : "");
    out.println("fenceq demo: starting embedded SQS and DynamoDB");
    out.flush();
    try (LocalAws aws =
        LocalAws.builder()
            .stackName("fenceq-demo")
            .parameters(
                Map.of(
                    "MaxReceiveCount",
                    DEMO_MAX_RECEIVE_COUNT,
                    "VisibilityTimeoutSeconds",
                    Integer.toString(Math.max(5, leaseSeconds))))
            .start()) {
      ProvisionedStack stack = aws.stack();
      int lanes = Integer.parseInt(stack.parameters().get("LaneCount"));
      try {
        options.requireReshardOf(lanes);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("fenceq demo: " + e.getMessage());
        return 2;
      }
      DemoTarget target =
          new DemoTarget(
              aws.sqsEndpoint(),
              aws.dynamoDbEndpoint(),
              aws.region(),
              aws.credentialsProvider(),
              new DemoStack(
                  stack.queueUrl("WorkQueue"),
                  stack.queueUrl("DeadLetterQueue"),
                  stack.tableName("LeaseTable"),
                  stack.tableName("InventoryTable"),
                  lanes));
      DemoResult result = DemoRunner.run(options, target, out);
      DemoReport.print(options, result, out);
      boolean faultsStruck = result.faults().values().stream().allMatch(n -> n > 0);
      if (!faultsStruck) {
        spec.commandLine()
            .getErr()
            .println("fenceq demo: a fault asked for never struck: " + result.faults());
      }
      return result.check().ok() && faultsStruck ? 0 : FenceqCli.EXIT_FAILURE;
    }
  }

  private static void quiet(String logger) {
    if (LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.OFF);
    }
  }
}
