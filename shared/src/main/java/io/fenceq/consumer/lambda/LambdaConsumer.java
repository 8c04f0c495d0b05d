package io.fenceq.consumer.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.aws.AwsClients;
import io.fenceq.aws.AwsEnvironment;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.consumer.ConsumerEngine;
import io.fenceq.consumer.HandlerFactories;
import io.fenceq.consumer.HandlerFactory;
import io.fenceq.consumer.HandlerResources;
import io.fenceq.consumer.internal.InvocationBudget;
import io.fenceq.consumer.internal.InvocationDeadline;
import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.LaneProcessor;
import io.fenceq.engine.SubmittedBatch;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.internal.Durations;
import io.fenceq.metrics.Metrics;
import io.fenceq.queue.LargePayloads;
import io.fenceq.queue.QueueDescription;
import io.fenceq.time.Ticker;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The engine inside a Lambda function of your own: each {@link SQSEvent} from the FIFO work queue's
 * event source mapping is one batch for the engine, the same engine the ECS worker runs, and {@link
 * #process} returns the partial batch response. Configure the event source mapping with {@code
 * FunctionResponseTypes: [ReportBatchItemFailures]}.
 *
 * <pre>{@code
 * public final class OrdersFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
 *   private final LambdaConsumer consumer =
 *       LambdaConsumer.builder()
 *           .environment(System.getenv())
 *           .handler("reserve", (job, context) -> reserve(job, context))
 *           .build();
 *
 *   public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
 *     return consumer.process(event, context);
 *   }
 * }
 * }</pre>
 *
 * <p>Per invocation:
 *
 * <ul>
 *   <li>the lane lease lasts the invocation's remaining time less a reserve, and no job starts in
 *       the reserve at the end; there is no heartbeat, since the invocation bounds the batch;
 *   <li>each lane runs under its fenced lease, each key's jobs in order (distinct keys at once, as
 *       on the worker); a failed job and the rest of its key are given back with the failed job's
 *       backoff ({@code ChangeMessageVisibility}) and reported as {@code batchItemFailures}. A lane
 *       is one message group, and a partial batch response must report every message of a group
 *       behind a failed one: so every later message of the lane is given back and reported too,
 *       whatever its key, and one of another key that already succeeded runs again, its fenced
 *       write answering DUPLICATE ({@link io.fenceq.engine.EngineConfig#partialBatchResponse()}). A
 *       lane whose lease another consumer holds is given back until that lease ends, and reported
 *       too;
 *   <li>the engine deletes the successes itself, so other lanes' successes are not reported and
 *       Lambda's own delete of them is a no-op;
 *   <li>a lane still running shortly before its lease ends is abandoned: its finished jobs are
 *       deleted, the rest go back with visibility 0 and are reported, its lease is released and its
 *       thread interrupted. The invocation never returns with a lane unsettled, so no thread of it
 *       settles anything after Lambda has frozen and thawed the environment (see docs/lambda.md);
 *   <li>if the engine cannot run at all (the lease table is unreachable, a message lacks the
 *       attributes it needs, settling hangs past the invocation's time) every message is reported,
 *       with a log line: nothing is ever dropped by a failed invocation.
 * </ul>
 *
 * <p>This package needs {@code com.amazonaws:aws-lambda-java-core} and {@code
 * aws-lambda-java-events} on the class path: they are optional dependencies of fenceq's core
 * artifact, so declare them in your function (every Java Lambda function has them).
 *
 * <p>Thread-safe: an in-process runner may call {@link #process} from several threads. SnapStart:
 * call {@link #refreshOwner()} after a restore, since every environment restored from one snapshot
 * would otherwise share a lease owner id.
 */
public final class LambdaConsumer implements Closeable {
  /** What is left for returning an answer when waiting for the engine's outcome. */
  private static final Duration ANSWER_RESERVE = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(LambdaConsumer.class);

  private final ConsumerConfig config;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final boolean ownsClients;
  private final LargePayloads largePayloads;
  private final S3Client ownedS3;
  private final JobHandlers handlers;
  private final Metrics metrics;
  private final Ticker ticker;
  private final Clock clock;
  private final ExecutorService laneThreads;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Object engineLock = new Object();

  // Guarded by engineLock.
  private String owner = newOwner();
  private Duration engineLease;
  private ConsumerEngine engine;
  private boolean tableChecked;
  private QueueDescription queue;
  private boolean closed;

  private LambdaConsumer(
      Builder b,
      ConsumerConfig config,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      boolean ownsClients,
      LargePayloads largePayloads,
      S3Client ownedS3,
      JobHandlers handlers) {
    this.config = config;
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.ownsClients = ownsClients;
    this.largePayloads = largePayloads;
    this.ownedS3 = ownedS3;
    this.handlers = handlers;
    this.metrics = b.metrics != null ? b.metrics : ConsumerEngine.metricsFor(config);
    this.ticker = b.ticker;
    this.clock = b.clock;
    // A FIFO batch holds at most 10 messages, so at most 10 lanes; idle threads go after a minute.
    this.laneThreads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            Thread.ofPlatform().name("fenceq-lambda-lane-", 1).daemon(true).factory());
    this.scheduler =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("fenceq-lambda-timer-", 1).daemon(true).factory());
    scheduler.setRemoveOnCancelPolicy(true);
  }

  public static Builder builder() {
    return new Builder();
  }

  public ConsumerConfig config() {
    return config;
  }

  /** The job types this consumer has handlers for. */
  public Set<String> jobTypes() {
    return handlers.types();
  }

  /**
   * Runs one batch and answers which messages Lambda must deliver again: those given back by the
   * engine, or every message when the engine could not run the batch.
   *
   * @param context the invocation's context; its remaining time bounds the leases
   */
  public SQSBatchResponse process(SQSEvent event, Context context) {
    List<Message> messages;
    try {
      messages = SqsMessages.of(event);
    } catch (RuntimeException e) {
      log.error("event=consumer_batch_unreadable queue={}", queueUrl(), e);
      return allFailed(event);
    }
    if (messages.isEmpty()) {
      return new SQSBatchResponse(List.of());
    }
    long remaining = context.getRemainingTimeInMillis();
    long startNanos = ticker.nanos();
    InvocationBudget budget = InvocationBudget.of(remaining, clock.instant());
    if (budget == null) {
      log.warn(
          "event=consumer_batch_not_started queue={} messages={} remainingMs={} reason=\"too"
              + " little time left for a lease; every message reported for redelivery\"",
          queueUrl(),
          messages.size(),
          remaining);
      return failures(ids(messages));
    }
    try {
      SubmittedBatch batch =
          processorFor(budget.leaseDuration()).submitBatch(messages, budget.notAfter());
      BatchOutcome outcome =
          InvocationDeadline.await(
              batch,
              budget.abandonAfter().minusNanos(ticker.nanos() - startNanos),
              scheduler,
              Duration.ofMillis(remaining).minus(ANSWER_RESERVE));
      List<String> redelivered = outcome.redeliveredMessageIds();
      log.info(
          "event=consumer_batch_done queue={} messages={} lease={} outcomes={} reported={}",
          queueUrl(),
          messages.size(),
          Durations.format(budget.leaseDuration()),
          outcome.counts(),
          redelivered.size());
      return failures(redelivered);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return engineFailed(messages, e);
    } catch (ExecutionException e) {
      return engineFailed(messages, e.getCause());
    } catch (TimeoutException | RuntimeException e) {
      return engineFailed(messages, e);
    }
  }

  /** The lease owner id of this execution environment, new after every {@link #refreshOwner()}. */
  public String owner() {
    synchronized (engineLock) {
      return owner;
    }
  }

  /**
   * Takes a new lease owner id, and an engine built with it for the next batch. Call it after a
   * SnapStart restore: every environment restored from one snapshot would otherwise share the id.
   */
  public void refreshOwner() {
    ConsumerEngine replaced;
    Duration replacedLease;
    synchronized (engineLock) {
      owner = newOwner();
      replaced = engine;
      replacedLease = engineLease;
      engine = null;
      engineLease = null;
    }
    retire(replaced, replacedLease);
  }

  /**
   * Stops the engine and its threads, and closes the clients it made itself (not those given to its
   * builder). Idempotent.
   */
  @Override
  public void close() {
    ConsumerEngine last;
    synchronized (engineLock) {
      if (closed) {
        return;
      }
      closed = true;
      last = engine;
      engine = null;
    }
    if (last != null) {
      last.close();
    }
    laneThreads.shutdown();
    scheduler.shutdownNow();
    if (ownsClients) {
      sqs.close();
      dynamoDb.close();
    }
    if (ownedS3 != null) {
      ownedS3.close();
    }
  }

  @Override
  public String toString() {
    return "LambdaConsumer[queue=" + queueUrl() + " owner=" + owner() + "]";
  }

  private String queueUrl() {
    return config.engine().queueUrl();
  }

  /**
   * The engine for leases of {@code lease}; rebuilt only when the lease (whole seconds) or the
   * owner changes, so a function with a fixed timeout keeps one. The engine it replaces is shut
   * down, so that its lanes are not left to run on with nobody to close them.
   */
  private LaneProcessor processorFor(Duration lease) {
    ConsumerEngine replaced;
    Duration replacedLease;
    LaneProcessor processor;
    synchronized (engineLock) {
      if (closed) {
        throw new IllegalStateException("the consumer of " + queueUrl() + " is closed");
      }
      if (engine != null && lease.equals(engineLease)) {
        return engine.processor();
      }
      replaced = engine;
      replacedLease = engineLease;
      engine =
          ConsumerEngine.builder()
              .config(config)
              .sqs(sqs)
              .dynamoDb(dynamoDb)
              .handlers(handlers)
              .metrics(metrics)
              .ticker(ticker)
              .clock(clock)
              .owner(owner)
              .lease(LeaseConfig.builder().leaseDuration(lease).build())
              .queue(queue())
              // The answer is a partial batch response: see EngineConfig#partialBatchResponse.
              .engine(b -> b.heartbeat(false).partialBatchResponse(true))
              // One DescribeTimeToLive per environment: a table that deletes leases by TTL would
              // reset fences, so it is refused before the first lease.
              .checkTable(!tableChecked)
              .executor(laneThreads)
              .scheduler(scheduler)
              .largePayloads(largePayloads)
              .start();
      tableChecked = true;
      engineLease = lease;
      processor = engine.processor();
    }
    retire(replaced, replacedLease);
    return processor;
  }

  /**
   * Shuts down an engine replaced by a new one (another lease, another owner) without waiting: a
   * batch another thread still runs on it finishes, or is abandoned at its own invocation's end,
   * and one submitted to it from now on goes back at once and is reported.
   */
  private void retire(ConsumerEngine replaced, Duration lease) {
    if (replaced == null) {
      return;
    }
    // Its lanes' leases last at most this long, so a grace of one lease abandons nothing of theirs.
    replaced.processor().shutdown(lease);
    log.info(
        "event=consumer_engine_replaced queue={} owner={} lease={}",
        queueUrl(),
        replaced.processor().config().owner(),
        Durations.format(lease));
  }

  /**
   * The work queue's description, read once per environment: with its redrive count, a job failing
   * on its last delivery goes to the dead-letter queue from the engine and the rest of its lane
   * still runs. A failed read is logged and tried again with the next engine.
   */
  private QueueDescription queue() {
    if (queue != null) {
      return queue;
    }
    try {
      queue = QueueDescription.read(sqs, queueUrl());
      return queue;
    } catch (RuntimeException e) {
      log.warn(
          "event=redrive_policy_unread queue={} error=\"{}\" effect=\"a job failing on its last"
              + " delivery is left to the redrive policy\"",
          queueUrl(),
          e.toString());
      return null;
    }
  }

  private SQSBatchResponse engineFailed(List<Message> messages, Throwable error) {
    log.error(
        "event=consumer_batch_failed queue={} messages={} reason=\"the engine could not run the"
            + " batch; every message reported for redelivery\" error=\"{}\"",
        queueUrl(),
        messages.size(),
        error.toString(),
        error);
    return failures(ids(messages));
  }

  private static SQSBatchResponse allFailed(SQSEvent event) {
    List<String> ids = new ArrayList<>();
    if (event != null && event.getRecords() != null) {
      for (SQSEvent.SQSMessage record : event.getRecords()) {
        if (record != null && record.getMessageId() != null) {
          ids.add(record.getMessageId());
        }
      }
    }
    return failures(ids);
  }

  private static List<String> ids(List<Message> messages) {
    return messages.stream().map(Message::messageId).toList();
  }

  private static SQSBatchResponse failures(List<String> messageIds) {
    return new SQSBatchResponse(
        messageIds.stream().map(SQSBatchResponse.BatchItemFailure::new).toList());
  }

  private static String newOwner() {
    return "lambda-" + UUID.randomUUID();
  }

  /**
   * Configures a {@link LambdaConsumer}: a configuration ({@link #environment} or {@link #config})
   * and handlers ({@link #handler}, {@link #handlers}, {@link #handlerFactory}, or else the factory
   * the configuration names). The clients are optional.
   */
  public static final class Builder {
    private Map<String, String> environment;
    private ConsumerConfig config;
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private final Map<String, JobHandler> handlers = new LinkedHashMap<>();
    private HandlerFactory factory;
    private Metrics metrics;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The function's environment (e.g. {@link System#getenv()}): the configuration's {@code
     * FENCEQ_*} variables (unless {@link #config} is given), the handlers' own variables, and for
     * clients not given here the SDK's variables ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL},
     * credentials; see {@link AwsEnvironment}).
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = environment;
      return this;
    }

    /** The configuration; default read from {@link #environment}. */
    public Builder config(ConsumerConfig config) {
      this.config = config;
      return this;
    }

    /** The client for the queue calls, which the caller closes; default one of its own. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** The client for the lane leases, which the caller closes; default one of its own. */
    /**
     * The S3 client of offloaded envelopes, used when {@link ConsumerConfig#PAYLOAD_BUCKET} is set;
     * the caller closes it. Default: one made from the environment, closed by {@link #close()}.
     */
    public Builder s3(S3Client s3) {
      this.s3 = s3;
      return this;
    }

    public Builder dynamoDb(DynamoDbClient dynamoDb) {
      this.dynamoDb = dynamoDb;
      return this;
    }

    /** The handler of one job type. */
    public Builder handler(String type, JobHandler handler) {
      this.handlers.put(type, handler);
      return this;
    }

    /** Handlers by job type. */
    public Builder handlers(Map<String, ? extends JobHandler> handlers) {
      this.handlers.putAll(handlers);
      return this;
    }

    /** Makes the handlers, given the configuration, environment and clients. */
    public Builder handlerFactory(HandlerFactory factory) {
      this.factory = factory;
      return this;
    }

    /** Default where the configuration's {@code FENCEQ_METRICS} says. */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Monotonic time for leases and timings; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** Wall time for the invocation's deadline and lease expiry hints; default UTC. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Reads the configuration, makes the missing clients and the handlers. Makes no AWS call itself
     * (a handler factory may); the lease table and the queue are read with the first batch.
     *
     * @throws ConsumerConfigException naming a missing or invalid variable or setting
     */
    public LambdaConsumer build() {
      if (config == null && environment == null) {
        throw new ConsumerConfigException(
            "a LambdaConsumer needs its configuration: set environment(...) or config(...)");
      }
      if (ticker == null || clock == null) {
        throw new ConsumerConfigException(
            "invalid LambdaConsumer setting " + (ticker == null ? "ticker" : "clock") + ": null");
      }
      Map<String, String> env = environment == null ? Map.of() : withoutNulls(environment);
      ConsumerConfig c = config != null ? config : ConsumerConfig.fromEnvironment(env);
      HandlerFactory f = factory;
      if (handlers.isEmpty() && f == null) {
        f = HandlerFactories.load(c);
      }
      boolean ownsClients = sqs == null || dynamoDb == null;
      if (ownsClients && (sqs != null || dynamoDb != null)) {
        throw new ConsumerConfigException(
            "invalid LambdaConsumer setting sqs/dynamoDb: give both clients or neither");
      }
      SqsClient s = sqs;
      DynamoDbClient d = dynamoDb;
      boolean makesS3 = s3 == null && c.payloadBucket().isPresent();
      AwsClients.Target target = null;
      if (ownsClients || makesS3) {
        try {
          target =
              env.containsKey(AwsEnvironment.REGION)
                  ? AwsEnvironment.target(env)
                  : AwsClients.Target.fromEnvironment();
        } catch (IllegalArgumentException e) {
          throw new ConsumerConfigException(e.getMessage(), e);
        }
      }
      if (ownsClients) {
        s = AwsClients.sqs(target);
        d = AwsClients.dynamoDb(target);
      }
      S3Client ownedS3 = makesS3 ? AwsClients.s3(target) : null;
      LargePayloads large =
          c.payloadBucket()
              .map(
                  bucket ->
                      LargePayloads.builder().s3(s3 != null ? s3 : ownedS3).bucket(bucket).build())
              .orElse(null);
      try {
        Map<String, JobHandler> all = new LinkedHashMap<>();
        if (f != null) {
          all.putAll(HandlerFactories.handlers(f, new HandlerResources(c, env, d, s)));
        }
        all.putAll(handlers);
        return new LambdaConsumer(this, c, s, d, ownsClients, large, ownedS3, JobHandlers.of(all));
      } catch (RuntimeException e) {
        if (ownsClients) {
          s.close();
          d.close();
        }
        if (ownedS3 != null) {
          ownedS3.close();
        }
        throw e;
      }
    }

    private static Map<String, String> withoutNulls(Map<String, String> variables) {
      Map<String, String> copy = new LinkedHashMap<>();
      variables.forEach(
          (k, v) -> {
            if (k != null && v != null) {
              copy.put(k, v);
            }
          });
      return copy;
    }
  }
}
