package io.fenceq.local.demo;

import io.fenceq.aws.AwsClients;
import io.fenceq.queue.Enqueuer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A demo run whose workers are {@code fenceq worker} JVMs ({@code --process-workers}): crashed with
 * SIGKILL, paused with SIGSTOP and SIGCONT, cut off through proxies in this process. This process
 * sees none of their handler runs, so progress and the verdict come from DynamoDB and SQS alone:
 * the SKUs' journals and fences lists, the dead-letter queue, the lease table.
 *
 * <p>Unavailable without the workers' history, reported as {@code n/a}: the latencies, takeovers,
 * redeliveries answered DUPLICATE, and the history's own check that no job had two writes accepted
 * (the journal's check remains). The fenced count is that of the paused workers' resumed writes,
 * which their handlers report through the {@link FaultPoints} directory.
 */
final class ProcessDemo {
  /** How often the journals are summed for progress and fault moments. */
  private static final Duration COUNT_EVERY = Duration.ofMillis(500);

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  private static final long POLL_MILLIS = 250;

  private final DemoOptions options;
  private final DemoTarget target;
  private final PrintWriter out;
  private final History history = new History();
  private volatile long applied;
  private volatile long deadLettered;

  private ProcessDemo(DemoOptions options, DemoTarget target, PrintWriter out) {
    this.options = options;
    this.target = target;
    this.out = out;
  }

  static DemoResult run(DemoOptions options, DemoTarget target, PrintWriter out)
      throws InterruptedException {
    return new ProcessDemo(options, target, out).run();
  }

  private DemoResult run() throws InterruptedException {
    Workload workload = Workload.generate(options.jobs(), options.skus(), options.seed());
    Path directory = temporaryDirectory();
    boolean keep = false;
    try (SqsClient sqs = AwsClients.sqs(target.direct());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(target.direct())) {
      Enqueuer enqueuer = target.prepare(options, sqs, dynamoDb);
      StateReader reader = new StateReader(sqs, dynamoDb, target.stack());
      FaultPoints points = new FaultPoints(directory);
      Producer producer =
          new Producer(enqueuer, workload, history, backlog(options), () -> applied + deadLettered);
      out.println(
          "fenceq demo: "
              + options.workers()
              + " worker processes (fenceq worker, "
              + DemoHandlers.class.getSimpleName()
              + "); their output in "
              + directory);
      out.flush();
      long begun = System.nanoTime();
      try (WorkerProcesses workers = new WorkerProcesses(options, target, points);
          ProcessFaultPlan faults = new ProcessFaultPlan(options, workers, points, reader)) {
        for (int i = 0; i < options.workers(); i++) {
          workers.start();
        }
        Thread producing =
            Thread.ofPlatform().name("fenceq-demo-producer").daemon(true).start(producer);
        boolean drained = awaitDrained(producer, reader, faults, begun);
        producing.interrupt();
        long drainedAt = System.nanoTime();
        faults.close();
        workers.close();
        FinalState state = reader.read();
        CheckResult check =
            Checker.check(history.enqueuedJobs(), options.stock(), state, List.of());
        // The unfenced control is meant to fail: its output explains nothing new.
        keep = !drained || (!check.ok() && options.fencing() == Fencing.ON);
        double seconds = Math.max(0.001, (drainedAt - begun) / 1e9);
        long faultsEnded = faults.lastFaultEndedNanos();
        return new DemoResult(
            check,
            Duration.ofNanos(drainedAt - begun),
            check.applied() / seconds,
            DemoResult.UNAVAILABLE,
            DemoResult.UNAVAILABLE,
            state.leaseAcquisitions(),
            DemoResult.UNAVAILABLE,
            points.fencedResumes(),
            DemoResult.UNAVAILABLE,
            faults.counts(),
            faultsEnded == 0
                ? Duration.ZERO
                : Duration.ofNanos(Math.max(0, drainedAt - faultsEnded)),
            DemoRunner.liveBound(options, check.jobs() - faults.appliedWhenLastEnded()),
            drained);
      }
    } finally {
      if (keep) {
        out.println("fenceq demo: the worker processes' output is kept in " + directory);
        out.flush();
      } else {
        deleteTree(directory);
      }
    }
  }

  /**
   * The producer's backlog bound. Progress across processes is counted from DynamoDB every half
   * second, and the workers can apply a whole backlog between two counts: a fault armed at its
   * count would then find no job left to strike on. With faults the backlog stays below half the
   * jobs after the last planned fault, so work keeps coming after every arming.
   */
  static int backlog(DemoOptions options) {
    if (options.faults().isEmpty()) {
      return options.maxBacklog();
    }
    int afterLastFault = (int) (options.jobs() * (1 - FaultPlan.LAST) / 2);
    return Math.min(options.maxBacklog(), Math.max(10, afterLastFault));
  }

  /** Like the in-process run's, with progress summed from the journals every half second. */
  private boolean awaitDrained(
      Producer producer, StateReader reader, ProcessFaultPlan faults, long begun)
      throws InterruptedException {
    long deadline = begun + options.timeout().toNanos();
    long nextLine = System.nanoTime() + PROGRESS_EVERY.toNanos();
    long nextCount = System.nanoTime();
    int emptyInARow = 0;
    ProgressLine line = new ProgressLine(options.jobs(), begun);
    while (System.nanoTime() < deadline) {
      if (System.nanoTime() >= nextCount) {
        applied = reader.journalled();
        deadLettered = reader.deadLettersNow();
        nextCount = System.nanoTime() + COUNT_EVERY.toNanos();
      }
      faults.tick(applied);
      if (System.nanoTime() >= nextLine) {
        printProgress(line, faults);
        nextLine += PROGRESS_EVERY.toNanos();
      }
      if (producer.done() && applied >= options.jobs()) {
        faults.abandonUnreachable();
      }
      if (producer.done() && faults.quiet()) {
        emptyInARow = reader.messagesLeft() == 0 ? emptyInARow + 1 : 0;
        if (emptyInARow >= 2) {
          applied = reader.journalled();
          printProgress(line, faults);
          return true;
        }
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // the demo's own pacing, not a wait for a lease
    }
    out.println(
        "fenceq demo: timed out after "
            + options.timeout().toSeconds()
            + "s; checking what was reached");
    out.flush();
    return false;
  }

  private void printProgress(ProgressLine line, ProcessFaultPlan faults) {
    out.println(
        line.format(applied, history.enqueuedCount(), "dlq " + deadLettered, faults.counts()));
    out.flush();
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("fenceq-demo-workers-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the worker processes", e);
    }
  }

  private static void deleteTree(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
