package io.fenceq.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.consumer.HandlerFactories;
import io.fenceq.consumer.HandlerFactory;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.consumer.lambda.SqsMessages;
import io.fenceq.functions.internal.AwsTarget;
import io.fenceq.functions.internal.Environment;
import io.fenceq.functions.internal.Priming;
import io.fenceq.lease.LeaseStore;
import io.fenceq.queue.JobEnvelope;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * The SQS consumer as a Lambda function: one use of the library's {@link LambdaConsumer}, which
 * makes each {@link SQSEvent} from the FIFO work queue's event source mapping one batch for the
 * engine, the same engine the ECS worker runs, and answers with the partial batch response (see
 * {@link LambdaConsumer} for what each invocation does). Configure the event source mapping with
 * {@code FunctionResponseTypes: [ReportBatchItemFailures]}.
 *
 * <p>Configuration, from the environment ({@link #VARIABLES}): {@code FENCEQ_QUEUE_URL}, {@code
 * FENCEQ_LEASE_TABLE} and {@code FENCEQ_HANDLER} (required), {@code FENCEQ_DLQ_URL}, {@code
 * FENCEQ_LANES}, {@code FENCEQ_MAX_ATTEMPTS}, {@code FENCEQ_METRICS} and {@code
 * FENCEQ_RING_EPOCHS}, with the meanings and defaults of {@link ConsumerConfig}; the handlers read
 * their own variables from the same environment; AWS endpoints, region and credentials come from
 * the SDK's variables in the same map ({@link AwsTarget}).
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
          ConsumerConfig.QUEUE_URL,
          ConsumerConfig.DLQ_URL,
          ConsumerConfig.LEASE_TABLE,
          ConsumerConfig.LANES,
          ConsumerConfig.MAX_ATTEMPTS,
          ConsumerConfig.HANDLER,
          ConsumerConfig.METRICS,
          ConsumerConfig.PAYLOAD_BUCKET,
          ConsumerConfig.RING_EPOCHS);

  private static final Logger log = LoggerFactory.getLogger(ConsumerFunction.class);

  private final ConsumerConfig config;
  private final Region region;
  private final LambdaConsumer consumer;

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
      // Only the variables it declares: the worker's own (FENCEQ_CONCURRENCY, ...) are not its.
      this.config = ConsumerConfig.fromEnvironment(env.only(VARIABLES));
      factory = HandlerFactories.load(config);
    } catch (ConsumerConfigException e) {
      throw new FunctionConfigException(e.getMessage(), e);
    }
    this.region = target.region();
    SqsClient sqs = AwsClients.sqs(target);
    DynamoDbClient dynamoDb = AwsClients.dynamoDb(target);
    try {
      this.consumer =
          LambdaConsumer.builder()
              .config(config)
              .environment(env.all())
              .sqs(sqs)
              .dynamoDb(dynamoDb)
              .handlerFactory(factory)
              .build();
    } catch (ConsumerConfigException e) {
      sqs.close();
      dynamoDb.close();
      throw new FunctionConfigException(e.getMessage(), e);
    }
    Core.getGlobalContext().register(this);
    log.info(
        "event=consumer_function_ready queue={} leaseTable={} lanes={} jobTypes={}",
        config.engine().queueUrl(),
        config.leaseTable(),
        config.engine().ring().laneCount(),
        consumer.jobTypes());
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return consumer.process(event, context);
  }

  /** The lease owner id of this execution environment, new after every SnapStart restore. */
  public String owner() {
    return consumer.owner();
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
            config.engine().ring().laneFor("priming").id(),
            MessageSystemAttributeName.SEQUENCE_NUMBER.toString(),
            "1",
            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString(),
            "1"));
    SQSEvent event = new SQSEvent();
    event.setRecords(List.of(record));
    Message message = SqsMessages.of(event).get(0);
    JobEnvelope.parse(message.body());
    String queue = config.engine().queueUrl();
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
    consumer.refreshOwner();
    log.info("event=consumer_function_restored owner={}", owner());
  }
}
