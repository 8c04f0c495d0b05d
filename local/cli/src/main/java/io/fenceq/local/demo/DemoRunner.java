package io.fenceq.local.demo;

import io.fenceq.aws.AwsClients;
import io.fenceq.queue.Enqueuer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Runs one demo: stocks the SKUs, enqueues the workload while a {@link WorkerFleet} drains it,
 * injects the faults asked for through the fleet ({@link FaultPlan}), prints a progress line, and
 * at the end reads DynamoDB and SQS and checks the invariants. The workers run in this JVM ({@link
 * InProcessFleet}), or with {@link DemoOptions#processWorkers()} as JVMs of their own ({@link
 * ProcessFleet}).
 *
 * <p>With {@link DemoOptions#reshardTo()} the producer and the workers follow the ring's epoch, and
 * a {@link DemoReshard} changes the lane count partway through the run; the queue counts as drained
 * only once its barriers have passed.
 *
 * <p>The producer and the checker use clients of their own, which no fault touches.
 */
public final class DemoRunner {
  /**
   * Short polls (wait 0, with the worker's pause after an empty receive): on the embedded ElasticMQ
   * a waiting long poll makes the queue re-sort its messages on every send and visibility change,
   * which slows every lane while the producer keeps thousands of jobs enqueued.
   */
  static final Duration RECEIVE_WAIT = Duration.ZERO;

  /** Backoff of failed jobs: short, so that a throttled lane resumes quickly. */
  static final Duration BACKOFF_BASE = Duration.ofMillis(250);

  static final Duration BACKOFF_CAP = Duration.ofSeconds(4);

  /** The slowest processing rate the liveness bound allows for, jobs/s. */
  static final long SLOWEST_RATE = 5;

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  private static final long POLL_MILLIS = 250;

  private final DemoOptions options;
  private final DemoTarget target;
  private final PrintWriter out;
  private final History history = new History();

  private DemoRunner(DemoOptions options, DemoTarget target, PrintWriter out) {
    this.options = options;
    this.target = target;
    this.out = out;
  }

  /**
   * Runs the demo and checks it.
   *
   * @param out where the progress lines go
   * @return the figures and the checker's verdict
   */
  public static DemoResult run(DemoOptions options, DemoTarget target, PrintWriter out)
      throws InterruptedException {
    return new DemoRunner(options, target, out).run();
  }

  private WorkerFleet fleet(StateReader reader) {
    return options.processWorkers()
        ? new ProcessFleet(options, target, reader, out)
        : new InProcessFleet(options, target, history);
  }

  private DemoResult run() throws InterruptedException {
    Workload workload = Workload.generate(options.jobs(), options.skus(), options.seed());
    try (SqsClient sqs = AwsClients.sqs(target.direct());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(target.direct())) {
      options.requireReshardOf(target.stack().lanes());
      Enqueuer enqueuer = target.prepare(options, sqs, dynamoDb);
      Optional<DemoReshard> reshard =
          DemoReshard.of(options, target.stack(), sqs, dynamoDb, this::print);
      StateReader reader = new StateReader(sqs, dynamoDb, target.stack());
      try (WorkerFleet fleet = fleet(reader);
          FaultPlan faults = new FaultPlan(options, fleet)) {
        fleet.banner().ifPresent(this::print);
        Producer producer =
            new Producer(
                enqueuer,
                workload,
                history,
                fleet.backlog(),
                () -> fleet.applied() + fleet.deadLettered());
        long begun = System.nanoTime();
        fleet.open(faults);
        Thread producing =
            Thread.ofPlatform().name("fenceq-demo-producer").daemon(true).start(producer);
        boolean drained = awaitDrained(producer, reader, fleet, faults, reshard, begun);
        producing.interrupt();
        reshard.ifPresent(DemoReshard::close);
        long drainedAt = System.nanoTime();
        faults.close();
        fleet.stop();
        FinalState state = reader.read();
        CheckResult check =
            Checker.check(history.enqueuedJobs(), options.stock(), state, history.attempts());
        fleet.judged(drained, check);
        Duration elapsed = Duration.ofNanos(drainedAt - begun);
        double seconds = Math.max(0.001, elapsed.toNanos() / 1e9);
        long faultsEnded = faults.lastFaultEndedNanos();
        WorkerFleet.Figures figures = fleet.figures();
        return new DemoResult(
            check,
            elapsed,
            check.applied() / seconds,
            figures.p50Millis(),
            figures.p99Millis(),
            state.leaseAcquisitions(),
            figures.takeovers(),
            figures.fenced(),
            figures.duplicatesAnswered(),
            faults.counts(),
            faultsEnded == 0
                ? Duration.ZERO
                : Duration.ofNanos(Math.max(0, drainedAt - faultsEnded)),
            liveBound(options, check.jobs() - faults.appliedWhenLastEnded()),
            drained,
            reshard.map(
                r -> r.figures(producer.keysInTwoLanes(), producer.keysRouted(), options.skus())));
      }
    }
  }

  /**
   * How long draining may take once the faults have ended (L1): a lease for a dead or cut-off
   * holder's lease to run out, a visibility timeout (the demo's equals the lease) for its messages
   * to come back, the longest backoff of a failed job, a receive wait, and the jobs still to run at
   * a slow {@link #SLOWEST_RATE} jobs/s.
   */
  static Duration liveBound(DemoOptions options, long jobsLeft) {
    return options
        .lease()
        .multipliedBy(2)
        .plus(BACKOFF_CAP)
        .plus(RECEIVE_WAIT)
        .plusSeconds(Math.max(0, jobsLeft) / SLOWEST_RATE);
  }

  /**
   * Waits until the producer is done and the work queue is empty twice in a row, printing progress;
   * false if the timeout came first.
   */
  private boolean awaitDrained(
      Producer producer,
      StateReader reader,
      WorkerFleet fleet,
      FaultPlan faults,
      Optional<DemoReshard> reshard,
      long begun)
      throws InterruptedException {
    long deadline = begun + options.timeout().toNanos();
    long nextLine = System.nanoTime() + PROGRESS_EVERY.toNanos();
    int emptyInARow = 0;
    ProgressLine line = new ProgressLine(options.jobs(), begun);
    while (System.nanoTime() < deadline) {
      fleet.count(false);
      faults.tick(fleet.applied());
      reshard.ifPresent(r -> r.tick(history.enqueuedCount(), producer.done()));
      if (System.nanoTime() >= nextLine) {
        printProgress(line, fleet, faults);
        nextLine += PROGRESS_EVERY.toNanos();
      }
      if (producer.done() && fleet.applied() >= options.jobs()) {
        faults.abandonUnreachable();
      }
      if (producer.done() && faults.quiet() && reshard.map(DemoReshard::settled).orElse(true)) {
        emptyInARow = reader.messagesLeft() == 0 ? emptyInARow + 1 : 0;
        if (emptyInARow >= 2) {
          fleet.count(true);
          printProgress(line, fleet, faults);
          return true;
        }
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // the demo's own pacing, not a wait for a lease
    }
    print(
        "fenceq demo: timed out after "
            + options.timeout().toSeconds()
            + "s; checking what was reached");
    return false;
  }

  private void printProgress(ProgressLine line, WorkerFleet fleet, FaultPlan faults) {
    print(line.format(fleet.applied(), history.enqueuedCount(), fleet.detail(), faults.counts()));
  }

  private void print(String text) {
    out.println(text);
    out.flush();
  }
}
