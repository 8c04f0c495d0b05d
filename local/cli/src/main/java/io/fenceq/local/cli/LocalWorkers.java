package io.fenceq.local.cli;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.local.LocalAws;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The in-process workers of {@code fenceq local --workers N}: the example inventory handlers on the
 * embedded emulators, and a progress line whenever they have done something new.
 */
final class LocalWorkers implements AutoCloseable {
  /** Short polls and leases, so that Ctrl-C and a restarted demo are quick. */
  static final Duration RECEIVE_WAIT = Duration.ofSeconds(2);

  static final Duration LEASE = Duration.ofSeconds(10);
  static final Duration SHUTDOWN = Duration.ofSeconds(10);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

  private final List<Worker> workers;
  private final ScheduledExecutorService progress;

  private LocalWorkers(List<Worker> workers, ScheduledExecutorService progress) {
    this.workers = workers;
    this.progress = progress;
  }

  /**
   * Stocks {@code skus} SKUs with {@code stock} each (existing ones are kept), starts {@code count}
   * workers and prints their progress to {@code out}.
   */
  static LocalWorkers start(LocalAws aws, int count, int skus, long stock, PrintWriter out) {
    ConsumerConfig config =
        ConsumerConfig.fromEnvironment(aws.environment()).toBuilder()
            .leaseDuration(LEASE)
            .shutdownTimeout(SHUTDOWN)
            .receiveWait(RECEIVE_WAIT)
            .build();
    Inventory inventory =
        new Inventory(
            aws.dynamoDbClient(), aws.environment().get(InventoryHandlers.INVENTORY_TABLE));
    inventory.seed(skus, stock);
    List<Worker> workers = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        workers.add(
            Worker.builder()
                .config(config.toBuilder().build()) // a worker id of its own
                .sqs(aws.sqsClient())
                .dynamoDb(aws.dynamoDbClient())
                .s3(aws.s3Endpoint().isPresent() ? aws.s3Client() : null)
                .handlers(inventory.handlers())
                .publishStats(true) // for the console's charts
                .build()
                .start());
      }
    } catch (RuntimeException e) {
      workers.forEach(Worker::close);
      throw e;
    }
    ScheduledExecutorService printer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fenceq-local-progress").daemon(true).unstarted(r));
    LocalWorkers local = new LocalWorkers(workers, printer);
    printer.scheduleWithFixedDelay(
        new ProgressLine(local, out),
        PROGRESS_EVERY.toMillis(),
        PROGRESS_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    return local;
  }

  WorkerProgress progress() {
    return workers.stream()
        .map(Worker::progress)
        .reduce(WorkerProgress.none(), WorkerProgress::plus);
  }

  /** Stops every worker gracefully, all at once, and waits for them. */
  @Override
  public void close() {
    progress.shutdownNow();
    CompletableFuture.allOf(
            workers.stream().map(Worker::shutdown).toArray(CompletableFuture[]::new))
        .exceptionally(e -> null)
        .join();
  }

  /** Prints the workers' totals when they changed since the last line. */
  private static final class ProgressLine implements Runnable {
    private final LocalWorkers workers;
    private final PrintWriter out;
    private WorkerProgress last = WorkerProgress.none();

    ProgressLine(LocalWorkers workers, PrintWriter out) {
      this.workers = workers;
      this.out = out;
    }

    @Override
    public void run() {
      WorkerProgress now = workers.progress();
      if (now.received() == last.received() && now.lanesInFlight() == last.lanesInFlight()) {
        return;
      }
      out.printf(
          "fenceq local: workers=%d done=%d (+%d) returned=%d dead-lettered=%d lanes-in-flight=%d%n",
          workers.workers.size(),
          now.done(),
          now.done() - last.done(),
          now.returned(),
          now.deadLettered(),
          now.lanesInFlight());
      out.flush();
      last = now;
    }
  }
}
