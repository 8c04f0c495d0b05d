package io.fenceq.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.FenceqException;
import io.fenceq.consumer.EmptyReceivePause;
import io.fenceq.local.lambda.internal.BatchRunner;
import io.fenceq.local.lambda.internal.Counters;
import io.fenceq.local.lambda.internal.GroupGate;
import io.fenceq.local.lambda.internal.Invoker;
import io.fenceq.local.lambda.internal.Poller;
import io.fenceq.queue.QueueDescription;
import io.fenceq.queue.QueueNotFoundException;
import io.fenceq.time.Ticker;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A local stand-in for Lambda's SQS event source mapping with {@code ReportBatchItemFailures}: it
 * polls a queue and invokes a {@link RequestHandler RequestHandler&lt;SQSEvent,
 * SQSBatchResponse&gt;} in this JVM, the way Lambda would invoke the deployed function.
 *
 * <ul>
 *   <li>{@code ReceiveMessage} asks for up to {@code batchSize} messages with every system and
 *       message attribute, and the function gets them as the {@link SQSEvent} Lambda sends, in
 *       receive order (so in group order), with the queue's ARN and region.
 *   <li>The {@link com.amazonaws.services.lambda.runtime.Context} counts its remaining time down
 *       from the function timeout on the injected {@link Ticker}; a function still running at the
 *       end is interrupted and its invocation failed.
 *   <li>The answer is honoured as Lambda does: records not in {@code batchItemFailures} are deleted
 *       (one batch call); reported ones are left to their visibility timeout, whatever visibility
 *       the function gave them; a throw, a timeout or an invalid response (an {@code
 *       itemIdentifier} that is null, empty or not in the batch) fails the whole batch, which then
 *       comes back after its visibility timeout. The event source never changes a visibility.
 *   <li>One batch per message group runs at a time, and at most {@code maximumConcurrency}
 *       invocations. {@code pollers} threads {@code fenceq-lambda-<r>-poll-<n>} receive, each only
 *       once it holds one of {@code maximumConcurrency} invocation slots, so no batch is received
 *       that cannot be invoked at once and no more receives wait on the queue than there are
 *       pollers. Each batch then runs on a thread of its own, {@code fenceq-lambda-<r>-invoke-<n>}:
 *       it waits for its message groups, calls the function, is settled by the answer, and gives
 *       its slot back. One thread {@code fenceq-lambda-<r>-timeouts} ends invocations whose timeout
 *       has run out.
 * </ul>
 *
 * <p>{@link #close()} stops polling, lets running invocations finish until the shutdown timeout,
 * then interrupts them; nothing of an unfinished batch is deleted. The SQS client belongs to the
 * caller and must stay open until {@code close()} returns.
 */
public final class SqsEventSource implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(SqsEventSource.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** How long a stop waits for interrupted threads after its deadline. */
  private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(5);

  private final Poller.Queue queue;
  private final EventSourceConfig config;
  private final Counters counters = new Counters();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final Invoker invoker;
  // One permit per invocation that may run: a poller takes one before it receives, and the batch
  // gives it back once settled. All permits back means every received batch is settled.
  private final Semaphore slots;
  private final List<Thread> pollers = new ArrayList<>();

  private SqsEventSource(Builder b, Poller.Queue queue) {
    this.queue = queue;
    this.config = b.config;
    String threads = "fenceq-lambda-" + INSTANCES.incrementAndGet() + "-";
    this.invoker =
        new Invoker(
            b.function,
            daemonThreads(threads + "invoke-"),
            Thread.ofPlatform().name(threads + "timeouts").daemon(true).factory());
    this.slots = new Semaphore(config.maximumConcurrency());
    // Shared by the pollers: a settled batch may free the group an idle poller's next receive gets.
    EmptyReceivePause emptyPause = new EmptyReceivePause();
    BatchRunner runner =
        new BatchRunner(
            b.sqs,
            queue,
            config,
            b.ticker,
            new GroupGate(),
            invoker,
            slots,
            emptyPause,
            counters,
            stopping);
    ThreadFactory pollThreads = daemonThreads(threads + "poll-");
    for (int i = 0; i < config.pollers(); i++) {
      pollers.add(
          pollThreads.newThread(
              new Poller(b.sqs, queue, config, slots, runner, emptyPause, stopping)));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The queue's ARN, as the records' {@code eventSourceARN} carry it. */
  public String queueArn() {
    return queue.arn();
  }

  public EventSourceConfig config() {
    return config;
  }

  /** What the event source has done so far. */
  public EventSourceProgress progress() {
    return counters.snapshot();
  }

  /**
   * Stops polling and waits for running invocations up to the shutdown timeout, then interrupts
   * them and deletes nothing more. Idempotent; a second caller waits for the first one's stop. An
   * interrupt while waiting cuts the wait short and is kept.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      closed.join();
      return;
    }
    try {
      stop();
    } finally {
      closed.complete(null);
    }
  }

  private void stop() {
    stopping.countDown();
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    boolean interrupted = false;
    boolean settled = false;
    try {
      // A poller ends once its receive returns; what it received is still invoked.
      for (Thread poller : pollers) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          TimeUnit.NANOSECONDS.timedJoin(poller, left);
        }
      }
      long left = Math.max(0, deadline - System.nanoTime());
      settled = slots.tryAcquire(config.maximumConcurrency(), left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    long stillPolling = pollers.stream().filter(Thread::isAlive).count();
    if (stillPolling > 0 || !settled || invoker.running() > 0) {
      log.warn(
          "event=stop_deadline queue={} pollers={} invocations={} shutdownTimeoutMs={}"
              + " detail=\"interrupting; unfinished batches come back after their visibility"
              + " timeout\"",
          queue.url(),
          stillPolling,
          invoker.running(),
          config.shutdownTimeout().toMillis());
      pollers.forEach(Thread::interrupt);
      // Abandoned before interrupted: a function that returns when interrupted is not settled.
      invoker.abandonAll();
      invoker.interruptAll();
      try {
        for (Thread poller : pollers) {
          poller.join(INTERRUPT_GRACE.toMillis());
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      // Every batch is settled or given up by now; its thread may still be on its way out.
      invoker.awaitIdle(INTERRUPT_GRACE);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    invoker.close();
    log.info(
        "event=event_source_stopped queue={} function={} {} leftRunning={}",
        queue.url(),
        config.functionName(),
        progress(),
        invoker.running() + pollers.stream().filter(Thread::isAlive).count());
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private SqsEventSource startPolling() {
    log.info("event=event_source_started queue={} arn={} {}", queue.url(), queue.arn(), config);
    invoker.start();
    pollers.forEach(Thread::start);
    return this;
  }

  /** Builds and starts a {@link SqsEventSource}. */
  public static final class Builder {
    private SqsClient sqs;
    private String queueUrl;
    private RequestHandler<SQSEvent, SQSBatchResponse> function;
    private EventSourceConfig config = EventSourceConfig.builder().build();
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** The client to poll and delete with; the caller closes it after the event source. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    public Builder queueUrl(String queueUrl) {
      this.queueUrl = queueUrl;
      return this;
    }

    /** The function to invoke; called from several threads at once, as Lambda's sandboxes do. */
    public Builder function(RequestHandler<SQSEvent, SQSBatchResponse> function) {
      this.function = function;
      return this;
    }

    public Builder config(EventSourceConfig config) {
      this.config = config;
      return this;
    }

    /** The source of the functions' remaining time; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /**
     * Reads the queue's ARN and visibility timeout and starts polling.
     *
     * @throws IllegalArgumentException naming a missing setting
     * @throws QueueNotFoundException if the queue does not exist
     * @throws FenceqException if the queue's visibility timeout is shorter than the function
     *     timeout (Lambda refuses such a mapping: the batch would come back while the function
     *     still runs), or the queue cannot be read
     */
    public SqsEventSource start() {
      requireSet("sqs", sqs);
      requireSet("queueUrl", queueUrl);
      requireSet("function", function);
      requireSet("config", config);
      requireSet("ticker", ticker);
      QueueDescription queue = QueueDescription.read(sqs, queueUrl);
      String arn = queue.arn();
      Duration visibility = queue.visibilityTimeout();
      if (visibility.compareTo(config.functionTimeout()) < 0) {
        throw new FenceqException(
            "queue "
                + queueUrl
                + ": visibility timeout "
                + visibility.toSeconds()
                + " s is less than the function timeout "
                + config.functionTimeout().toMillis()
                + " ms; a batch would come back while its invocation still runs");
      }
      return new SqsEventSource(this, new Poller.Queue(queueUrl, arn)).startPolling();
    }

    private static void requireSet(String setting, Object value) {
      if (Objects.isNull(value)) {
        throw new IllegalArgumentException("invalid SqsEventSource setting " + setting + ": null");
      }
    }
  }

  /** Daemon threads named {@code <prefix><n>}: a thread dump tells whose they are. */
  private static ThreadFactory daemonThreads(String prefix) {
    return Thread.ofPlatform().name(prefix, 1).daemon(true).factory();
  }
}
