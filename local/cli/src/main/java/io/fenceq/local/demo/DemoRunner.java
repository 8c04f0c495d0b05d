package io.fenceq.local.demo;

import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.local.lambda.SqsEventSource;
import io.fenceq.queue.Enqueuer;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Runs one demo: stocks the SKUs, enqueues the workload while in-process workers drain it, injects
 * the faults asked for, prints a progress line, and at the end reads DynamoDB and SQS and checks
 * the invariants. With {@link DemoOptions#processWorkers()} the workers are JVMs of their own
 * ({@link ProcessDemo}).
 *
 * <p>Each worker has its own SDK clients (and, with partitions, its own fault proxies), so a fault
 * hits one worker. The producer and the checker use clients of their own, which no fault touches.
 */
public final class DemoRunner {
  /** Short polls, so that a stop is quick. */
  static final Duration RECEIVE_WAIT = Duration.ofSeconds(1);

  /** Backoff of failed jobs: short, so that a throttled lane resumes quickly. */
  static final Duration BACKOFF_BASE = Duration.ofMillis(250);

  static final Duration BACKOFF_CAP = Duration.ofSeconds(4);

  /** The slowest processing rate the liveness bound allows for, jobs/s. */
  static final long SLOWEST_RATE = 5;

  /**
   * Concurrent invocations per demo worker (execution environment) with {@code --consumer lambda}.
   */
  static final int LAMBDA_CONCURRENCY = 2;

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
  private static final long POLL_MILLIS = 250;

  private final DemoOptions options;
  private final DemoTarget target;
  private final PrintWriter out;
  private final History history = new History();
  private final LeaseWatch leases;
  private final List<DemoWorker> workers = new ArrayList<>();
  private final List<CompletableFuture<Void>> stopping = new ArrayList<>();
  private final FaultPlan faults;
  private WorkerProgress retired = WorkerProgress.none();
  private int started;

  private DemoRunner(DemoOptions options, DemoTarget target, PrintWriter out) {
    this.options = options;
    this.target = target;
    this.out = out;
    this.leases = new LeaseWatch(target.stack().leaseTable());
    this.faults = new FaultPlan(options, this);
    faults.history(history);
  }

  /**
   * Runs the demo and checks it.
   *
   * @param out where the progress lines go
   * @return the figures and the checker's verdict
   */
  public static DemoResult run(DemoOptions options, DemoTarget target, PrintWriter out)
      throws InterruptedException {
    if (options.processWorkers()) {
      return ProcessDemo.run(options, target, out);
    }
    return new DemoRunner(options, target, out).run();
  }

  private DemoResult run() throws InterruptedException {
    Workload workload = Workload.generate(options.jobs(), options.skus(), options.seed());
    try (SqsClient sqs = AwsClients.sqs(target.direct());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(target.direct())) {
      Enqueuer enqueuer = target.prepare(options, sqs, dynamoDb);
      StateReader reader = new StateReader(sqs, dynamoDb, target.stack());
      Producer producer =
          new Producer(enqueuer, workload, history, options.maxBacklog(), this::settled);
      long begun = System.nanoTime();
      try {
        for (int i = 0; i < options.workers(); i++) {
          startWorker();
        }
        Thread producing =
            Thread.ofPlatform().name("fenceq-demo-producer").daemon(true).start(producer);
        boolean drained = awaitDrained(producer, reader, begun);
        producing.interrupt();
        long drainedAt = System.nanoTime();
        faults.close();
        stopWorkers();
        FinalState state = reader.read();
        CheckResult check =
            Checker.check(history.enqueuedJobs(), options.stock(), state, history.attempts());
        Duration elapsed = Duration.ofNanos(drainedAt - begun);
        double seconds = Math.max(0.001, elapsed.toNanos() / 1e9);
        long faultsEnded = faults.lastFaultEndedNanos();
        return new DemoResult(
            check,
            elapsed,
            check.applied() / seconds,
            history.latencyPercentileMillis(50),
            history.latencyPercentileMillis(99),
            state.leaseAcquisitions(),
            leases.takeovers(),
            history.fenced(),
            history.duplicates(),
            faults.counts(),
            faultsEnded == 0
                ? Duration.ZERO
                : Duration.ofNanos(Math.max(0, drainedAt - faultsEnded)),
            liveBound(options, check.jobs() - faults.appliedWhenLastEnded()),
            drained);
      } finally {
        faults.close();
        stopWorkers();
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

  /** Jobs settled so far: applied once, or dead-lettered by a worker. */
  private long settled() {
    return history.tookEffect() + progress().deadLettered();
  }

  private synchronized WorkerProgress progress() {
    WorkerProgress sum = retired;
    for (DemoWorker w : workers) {
      sum = sum.plus(w.progress());
    }
    return sum;
  }

  /**
   * Waits until the producer is done and the work queue is empty twice in a row, printing progress;
   * false if the timeout came first.
   */
  private boolean awaitDrained(Producer producer, StateReader reader, long begun)
      throws InterruptedException {
    long deadline = begun + options.timeout().toNanos();
    long nextLine = System.nanoTime() + PROGRESS_EVERY.toNanos();
    int emptyInARow = 0;
    ProgressLine line = new ProgressLine(options.jobs(), begun);
    while (System.nanoTime() < deadline) {
      faults.tick(history.tookEffect());
      if (System.nanoTime() >= nextLine) {
        out.println(line.format(history, progress(), faults, leases));
        out.flush();
        nextLine += PROGRESS_EVERY.toNanos();
      }
      if (producer.done() && history.tookEffect() >= options.jobs()) {
        faults.abandonUnreachable();
      }
      if (producer.done() && faults.quiet()) {
        emptyInARow = reader.messagesLeft() == 0 ? emptyInARow + 1 : 0;
        if (emptyInARow >= 2) {
          out.println(line.format(history, progress(), faults, leases));
          out.flush();
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

  /** Starts one more worker, with its share of the faults. */
  DemoWorker startWorker() {
    String name;
    int number;
    synchronized (this) {
      number = ++started;
      name = "w" + number;
    }
    FaultPlan.WorkerFaults wf = faults.forWorker(name, number);
    AwsClients.Target direct = target.direct();
    SqsClient sqs = AwsClients.sqs(wf.sqsTarget(direct), wf.clientOptions(null));
    DynamoDbClient dynamoDb =
        AwsClients.dynamoDb(wf.dynamoDbTarget(direct), wf.clientOptions(leases));
    ConsumerConfig config =
        ConsumerConfig.builder()
            .queueUrl(target.stack().workQueueUrl())
            .deadLetterQueueUrl(target.stack().dlqUrl())
            .leaseTable(target.stack().leaseTable())
            .lanes(target.stack().lanes())
            .leaseDuration(options.lease())
            .shutdownTimeout(options.lease())
            .receiveWait(RECEIVE_WAIT)
            .workerId("demo-" + name + "-" + Long.toHexString(System.nanoTime() & 0xffffff))
            .build();
    Reservations handler =
        new Reservations(
            dynamoDb,
            target.stack().inventoryTable(),
            options.fencing(),
            name,
            wf.hooks(),
            history);
    if (options.consumer() == ConsumerHost.LAMBDA) {
      return startEnvironment(name, wf, sqs, dynamoDb, config, handler);
    }
    Worker worker =
        Worker.builder()
            .config(config)
            .sqs(sqs)
            .dynamoDb(dynamoDb)
            .handlers(wf.wrap(handler.handlers()))
            .clock(wf.clock())
            .backoffBase(BACKOFF_BASE)
            .backoffCap(BACKOFF_CAP)
            .build()
            .start();
    DemoWorker demoWorker = new DemoWorker(name, worker, sqs, dynamoDb, wf.closeables());
    wf.attach(demoWorker);
    synchronized (this) {
      workers.add(demoWorker);
    }
    return demoWorker;
  }

  /**
   * Starts one Lambda execution environment in place of a worker: a local SQS event source invoking
   * a Lambda consumer on the environment's own (faulted) clients and clock. The function timeout is
   * the demo's lease, which the queue's visibility equals; each invocation leases its lanes for its
   * remaining time less a reserve, and gives up on a lane still running shortly before that lease
   * ends. A crash kills the environment's clients mid-batch; the event source is then replaced.
   */
  private DemoWorker startEnvironment(
      String name,
      FaultPlan.WorkerFaults wf,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      ConsumerConfig config,
      Reservations handler) {
    ConsumerConfig lambdaConfig =
        config.toBuilder()
            .engine(
                config.engine().toBuilder()
                    .backoffBase(BACKOFF_BASE)
                    .backoffCap(BACKOFF_CAP)
                    .build())
            .build();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .config(lambdaConfig)
            .sqs(sqs)
            .dynamoDb(dynamoDb)
            .handlers(wf.wrap(handler.handlers()))
            .clock(wf.clock())
            .build();
    SqsEventSource source;
    try {
      source =
          SqsEventSource.builder()
              .sqs(sqs)
              .queueUrl(target.stack().workQueueUrl())
              .function(consumer::process)
              .config(
                  EventSourceConfig.builder()
                      .functionName("fenceq-demo-" + name)
                      .maximumConcurrency(LAMBDA_CONCURRENCY)
                      .functionTimeout(options.lease())
                      .receiveWait(RECEIVE_WAIT)
                      .shutdownTimeout(options.lease())
                      .build())
              .start();
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    DemoWorker environment =
        DemoWorker.lambda(name, source, consumer, sqs, dynamoDb, wf.closeables());
    wf.attach(environment);
    synchronized (this) {
      workers.add(environment);
    }
    return environment;
  }

  /** Takes a crashed worker out of the run (it is already dead to the services) and replaces it. */
  void replace(DemoWorker crashed) {
    synchronized (this) {
      if (!workers.remove(crashed)) {
        return;
      }
      retired = retired.plus(crashed.progress());
      stopping.add(crashed.stop());
    }
    startWorker();
  }

  LeaseWatch leaseWatch() {
    return leases;
  }

  synchronized List<DemoWorker> workers() {
    return List.copyOf(workers);
  }

  private void stopWorkers() {
    List<CompletableFuture<Void>> all;
    synchronized (this) {
      for (DemoWorker w : workers) {
        retired = retired.plus(w.progress());
        stopping.add(w.stop());
      }
      workers.clear();
      all = List.copyOf(stopping);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }
}
