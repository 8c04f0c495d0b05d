package io.fenceq.local.cli;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.functions.ConsumerFunction;
import io.fenceq.local.LocalAws;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.local.lambda.EventSourceProgress;
import io.fenceq.local.lambda.SqsEventSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Lambda consumer of {@code fenceq local --consumer lambda --workers N}: {@link
 * ConsumerFunction} with the example inventory handlers, invoked in this JVM by a local SQS event
 * source with up to N invocations at once, and a progress line whenever it has done something new.
 */
final class LocalLambda implements AutoCloseable {
  /**
   * The function's timeout, from which its lane leases derive. The template's queue visibility (180
   * s by default) must be at least this, and AWS asks for six times it.
   */
  static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(30);

  /** Short polls, so that Ctrl-C is quick. */
  static final Duration RECEIVE_WAIT = LocalWorkers.RECEIVE_WAIT;

  static final Duration SHUTDOWN = LocalWorkers.SHUTDOWN;
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

  private final SqsEventSource source;
  private final ScheduledExecutorService progress;

  private LocalLambda(SqsEventSource source, ScheduledExecutorService progress) {
    this.source = source;
    this.progress = progress;
  }

  /**
   * Stocks {@code skus} SKUs with {@code stock} each (existing ones are kept), starts the event
   * source with {@code concurrency} invocations at once and prints its progress to {@code out}.
   */
  static LocalLambda start(LocalAws aws, int concurrency, int skus, long stock, PrintWriter out) {
    ConsumerConfig config = ConsumerConfig.fromEnvironment(aws.environment());
    new Inventory(aws.dynamoDbClient(), aws.environment().get(InventoryHandlers.INVENTORY_TABLE))
        .seed(skus, stock);
    SqsEventSource source =
        SqsEventSource.builder()
            .sqs(aws.sqsClient())
            .queueUrl(config.engine().queueUrl())
            .function(new ConsumerFunction(aws.environment()))
            .config(
                EventSourceConfig.builder()
                    .maximumConcurrency(concurrency)
                    .functionTimeout(FUNCTION_TIMEOUT)
                    .receiveWait(RECEIVE_WAIT)
                    .shutdownTimeout(SHUTDOWN)
                    .build())
            .start();
    ScheduledExecutorService printer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("fenceq-local-progress").daemon(true).unstarted(r));
    printer.scheduleWithFixedDelay(
        new ProgressLine(source, out),
        PROGRESS_EVERY.toMillis(),
        PROGRESS_EVERY.toMillis(),
        TimeUnit.MILLISECONDS);
    return new LocalLambda(source, printer);
  }

  /** Stops polling and lets running invocations finish, up to the shutdown timeout. */
  @Override
  public void close() {
    progress.shutdownNow();
    source.close();
  }

  /** Prints the event source's totals when they changed since the last line. */
  private static final class ProgressLine implements Runnable {
    private final SqsEventSource source;
    private final PrintWriter out;
    private EventSourceProgress last = EventSourceProgress.none();

    ProgressLine(SqsEventSource source, PrintWriter out) {
      this.source = source;
      this.out = out;
    }

    @Override
    public void run() {
      EventSourceProgress now = source.progress();
      if (now.records() == last.records() && now.inFlight() == last.inFlight()) {
        return;
      }
      out.printf(
          "fenceq local: lambda concurrency=%d done=%d (+%d) item-failures=%d"
              + " failed-invocations=%d invocations-in-flight=%d%n",
          source.config().maximumConcurrency(),
          now.succeeded(),
          now.succeeded() - last.succeeded(),
          now.itemFailures(),
          now.failedInvocations(),
          now.inFlight());
      out.flush();
      last = now;
    }
  }
}
