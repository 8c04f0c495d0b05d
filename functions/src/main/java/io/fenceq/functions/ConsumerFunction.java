package io.fenceq.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.aws.AwsClients;
import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.LaneProcessor;
import io.fenceq.engine.internal.NamedThreads;
import io.fenceq.engine.internal.RedrivePolicy;
import io.fenceq.functions.internal.AwsTarget;
import io.fenceq.functions.internal.Environment;
import io.fenceq.functions.internal.InvocationBudget;
import io.fenceq.functions.internal.Priming;
import io.fenceq.functions.internal.SqsMessages;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.lease.internal.Durations;
import io.fenceq.metrics.EmbeddedMetricFormat;
import io.fenceq.metrics.Metrics;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.ring.HashRing;
import io.fenceq.time.Ticker;
import io.fenceq.worker.HandlerFactory;
import io.fenceq.worker.WorkerConfig;
import io.fenceq.worker.WorkerConfigException;
import io.fenceq.worker.WorkerResources;
import io.fenceq.worker.internal.HandlerLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS consumer as a Lambda function: each {@link SQSEvent} from the FIFO work queue's event
 * source mapping is one batch for the engine ({@link LaneProcessor}), the same engine the ECS
 * worker runs. Configure the event source mapping with {@code FunctionResponseTypes:
 * [ReportBatchItemFailures]}.
 *
 * <p>Per invocation:
 *
 * <ul>
 *   <li>the lane lease lasts the invocation's remaining time less a reserve, and no job starts in
 *       the reserve at the end (see {@link InvocationBudget}); there is no heartbeat, since the
 *       invocation bounds the batch;
 *   <li>each lane runs under its fenced lease, in order; at the first failure the lane stops, and
 *       the failed message and the rest of its lane are given back with the failed job's backoff
 *       ({@code ChangeMessageVisibility}) and reported as {@code batchItemFailures}. A lane whose
 *       lease another consumer holds is given back until that lease ends, and reported too;
 *   <li>the engine deletes the successes itself, so other lanes' successes are not reported and
 *       Lambda's own delete of them is a no-op;
 *   <li>if the engine cannot run at all (the lease table is unreachable, a message lacks the
 *       attributes it needs, the batch does not finish in time) every message is reported, with a
 *       log line: nothing is ever dropped by a failed invocation.
 * </ul>
 *
 * <p>Configuration, from the environment ({@link #VARIABLES}): {@code FENCEQ_QUEUE_URL}, {@code
 * FENCEQ_LEASE_TABLE} (required), {@code FENCEQ_DLQ_URL}, {@code FENCEQ_LANES}, {@code
 * FENCEQ_HANDLER}, {@code FENCEQ_INVENTORY_TABLE} and {@code FENCEQ_METRICS}, with the worker's
 * meanings and defaults ({@link WorkerConfig}); AWS endpoints, region and credentials from the
 * SDK's variables in the same map ({@link AwsTarget}).
 *
 * <p>Thread-safe: an in-process runner may call {@link #handleRequest} from several threads.
 * SnapStart: registers with {@link Core#getGlobalContext()}; before the snapshot it primes the
 * SDK's and Jackson's code paths without calling AWS, and after a restore it takes a new lease
 * owner id, since every environment restored from one snapshot would otherwise share it.
 */
public final class ConsumerFunction
    implements RequestHandler<SQSEvent, SQSBatchResponse>, Resource {
  /** The {@code FENCEQ_*} variables this function reads. */
  public static final Set<String> VARIABLES =
      Set.of(
          WorkerConfig.QUEUE_URL,
          WorkerConfig.DLQ_URL,
          WorkerConfig.LEASE_TABLE,
          WorkerConfig.LANES,
          WorkerConfig.HANDLER,
          WorkerConfig.INVENTORY_TABLE,
          WorkerConfig.METRICS);

  /** What is left for returning an answer when waiting for the engine's outcome. */
  private static final Duration ANSWER_RESERVE = Duration.ofMillis(250);

  private static final Logger log = LoggerFactory.getLogger(ConsumerFunction.class);

  private final WorkerConfig config;
  private final Region region;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final JobHandlers handlers;
  private final Metrics metrics;
  private final HashRing ring;
  private final Clock clock = Clock.systemUTC();
  private final Ticker ticker = Ticker.system();
  private final ExecutorService laneThreads;
  private final ScheduledExecutorService scheduler;
  private final Object engineLock = new Object();

  // Guarded by engineLock.
  private String owner = newOwner();
  private Duration engineLease;
  private LaneProcessor engine;
  private boolean tableChecked;
  private OptionalInt maxReceiveCount;

  /** Configured by the process environment, as Lambda runs it. */
  public ConsumerFunction() {
    this(System.getenv());
  }

  /**
   * Configured by {@code environment} alone, AWS endpoint, region and credentials included.
   *
   * @throws FunctionConfigException naming the variable that is missing or invalid, and its value
   */
  public ConsumerFunction(Map<String, String> environment) {
    Environment env = new Environment(environment);
    AwsClients.Target target = AwsTarget.from(env);
    HandlerFactory factory;
    try {
      this.config = WorkerConfig.fromEnvironment(env.only(VARIABLES));
      factory = HandlerLoader.factory(config);
    } catch (WorkerConfigException e) {
      throw new FunctionConfigException(e.getMessage(), e);
    }
    this.region = target.region();
    this.ring = HashRing.of(config.lanes());
    this.metrics =
        config.metrics() == WorkerConfig.MetricsOutput.EMF
            ? EmbeddedMetricFormat.toStdout()
            : Metrics.none();
    this.sqs = AwsClients.sqs(target);
    this.dynamoDb = AwsClients.dynamoDb(target);
    try {
      this.handlers =
          JobHandlers.of(
              HandlerLoader.handlers(
                  factory, new WorkerResources(config, env.all(), dynamoDb, sqs)));
    } catch (WorkerConfigException e) {
      sqs.close();
      dynamoDb.close();
      throw new FunctionConfigException(e.getMessage(), e);
    }
    // A FIFO batch holds at most 10 messages, so at most 10 lanes; idle threads go after a minute.
    this.laneThreads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new NamedThreads("fenceq-lambda-lane-"));
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(1, new NamedThreads("fenceq-lambda-timer-"));
    timer.setRemoveOnCancelPolicy(true);
    this.scheduler = timer;
    Core.getGlobalContext().register(this);
    log.info(
        "event=consumer_function_ready queue={} leaseTable={} lanes={} jobTypes={}",
        config.queueUrl(),
        config.leaseTable(),
        config.lanes(),
        handlers.types());
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<Message> messages;
    try {
      messages = SqsMessages.of(event);
    } catch (RuntimeException e) {
      log.error("event=consumer_batch_unreadable queue={}", config.queueUrl(), e);
      return allFailed(event);
    }
    if (messages.isEmpty()) {
      return new SQSBatchResponse(List.of());
    }
    long remaining = context.getRemainingTimeInMillis();
    InvocationBudget budget = InvocationBudget.of(remaining, clock.instant());
    if (budget == null) {
      log.warn(
          "event=consumer_batch_not_started queue={} messages={} remainingMs={} reason=\"too"
              + " little time left for a lease; every message reported for redelivery\"",
          config.queueUrl(),
          messages.size(),
          remaining);
      return failures(ids(messages));
    }
    try {
      BatchOutcome outcome =
          processorFor(budget.leaseDuration())
              .submit(messages, budget.notAfter())
              .get(Math.max(1, remaining - ANSWER_RESERVE.toMillis()), TimeUnit.MILLISECONDS);
      List<String> redelivered = outcome.redeliveredMessageIds();
      log.info(
          "event=consumer_batch_done queue={} messages={} lease={} outcomes={} reported={}",
          config.queueUrl(),
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

  /** The lease owner id of this execution environment, new after every SnapStart restore. */
  public String owner() {
    synchronized (engineLock) {
      return owner;
    }
  }

  /**
   * The engine for leases of {@code lease}; rebuilt only when the lease (whole seconds) or the
   * owner changes, so a function with a fixed timeout keeps one.
   */
  private LaneProcessor processorFor(Duration lease) {
    synchronized (engineLock) {
      if (engine != null && lease.equals(engineLease)) {
        return engine;
      }
      LeaseStore leases =
          LeaseStore.builder()
              .dynamoDb(dynamoDb)
              .table(config.leaseTable())
              .config(LeaseConfig.builder().leaseDuration(lease).build())
              .ticker(ticker)
              .clock(clock)
              // One DescribeTimeToLive per environment: a table that deletes leases by TTL would
              // reset fences, so it is refused before the first lease.
              .checkTable(!tableChecked)
              .build();
      tableChecked = true;
      engine =
          LaneProcessor.builder()
              .config(
                  EngineConfig.builder()
                      .queueUrl(config.queueUrl())
                      .deadLetterQueueUrl(config.deadLetterQueueUrl().orElse(null))
                      .owner(owner)
                      .ring(ring)
                      .heartbeat(false)
                      .maxReceiveCount(maxReceiveCount().orElse(0))
                      .build())
              .leases(leases)
              .handlers(handlers)
              .sqs(sqs)
              .metrics(metrics)
              .ticker(ticker)
              .clock(clock)
              .executor(laneThreads)
              .scheduler(scheduler)
              .build();
      engineLease = lease;
      return engine;
    }
  }

  /**
   * The work queue's redrive count, read once per environment: with it, a job failing on its last
   * delivery goes to the dead-letter queue from the engine and the rest of its lane still runs. A
   * failed read is logged and tried again with the next engine.
   */
  private OptionalInt maxReceiveCount() {
    if (maxReceiveCount != null) {
      return maxReceiveCount;
    }
    try {
      String policy =
          sqs.getQueueAttributes(
                  r ->
                      r.queueUrl(config.queueUrl())
                          .attributeNames(QueueAttributeName.REDRIVE_POLICY))
              .attributes()
              .get(QueueAttributeName.REDRIVE_POLICY);
      maxReceiveCount = RedrivePolicy.maxReceiveCount(policy);
      return maxReceiveCount;
    } catch (RuntimeException e) {
      log.warn(
          "event=redrive_policy_unread queue={} error=\"{}\" effect=\"a job failing on its last"
              + " delivery is left to the redrive policy\"",
          config.queueUrl(),
          e.toString());
      return OptionalInt.empty();
    }
  }

  private SQSBatchResponse engineFailed(List<Message> messages, Throwable error) {
    log.error(
        "event=consumer_batch_failed queue={} messages={} reason=\"the engine could not run the"
            + " batch; every message reported for redelivery\" error=\"{}\"",
        config.queueUrl(),
        messages.size(),
        error.toString(),
        error);
    return failures(ids(messages));
  }

  private SQSBatchResponse allFailed(SQSEvent event) {
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
   * Before a SnapStart snapshot: loads the code paths of a first batch (event conversion, envelope
   * parsing, the SQS and DynamoDB calls the engine makes) without calling AWS.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
    record.setMessageId("priming");
    record.setReceiptHandle("priming");
    record.setBody(
        "{\"v\":1,\"key\":\"priming\",\"type\":\"priming\",\"payload\":{},\"jobId\":\"priming\","
            + "\"enqueuedAt\":\"2026-01-01T00:00:00Z\"}");
    record.setAttributes(
        Map.of(
            MessageSystemAttributeName.MESSAGE_GROUP_ID.toString(),
            ring.laneFor("priming").id(),
            MessageSystemAttributeName.SEQUENCE_NUMBER.toString(),
            "1",
            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString(),
            "1"));
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(record));
    Message message = SqsMessages.of(event).get(0);
    JobEnvelope.parse(message.body());
    String queue = config.queueUrl();
    Priming.sqs(
        region,
        client -> {
          Priming.dry(
              "DeleteMessageBatch",
              () ->
                  client.deleteMessageBatch(
                      r -> r.queueUrl(queue).entries(e -> e.id("0").receiptHandle("priming"))));
          Priming.dry(
              "ChangeMessageVisibilityBatch",
              () ->
                  client.changeMessageVisibilityBatch(
                      r ->
                          r.queueUrl(queue)
                              .entries(
                                  e -> e.id("0").receiptHandle("priming").visibilityTimeout(1))));
        });
    Priming.dynamoDb(
        region,
        client ->
            Priming.dry(
                "UpdateItem",
                () ->
                    client.updateItem(
                        r ->
                            r.tableName(config.leaseTable())
                                .key(Map.of("id", AttributeValue.fromS("lane#0000")))
                                .updateExpression(LeaseStore.RELEASE_UPDATE)
                                .conditionExpression(LeaseStore.RELEASE_CONDITION)
                                .expressionAttributeNames(
                                    Map.of(
                                        "#owner", "owner",
                                        "#fence", "fence",
                                        "#expiresAt", "expiresAt"))
                                .expressionAttributeValues(
                                    Map.of(
                                        ":me", AttributeValue.fromS("priming"),
                                        ":fence", AttributeValue.fromN("1"),
                                        ":zero", AttributeValue.fromN("0")))
                                .returnValues(ReturnValue.ALL_NEW))));
    log.info("event=consumer_function_primed queue={}", queue);
  }

  /** After a SnapStart restore: a new lease owner id, and an engine built with it. */
  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    synchronized (engineLock) {
      owner = newOwner();
      engine = null;
      engineLease = null;
    }
    log.info("event=consumer_function_restored owner={}", owner());
  }
}
