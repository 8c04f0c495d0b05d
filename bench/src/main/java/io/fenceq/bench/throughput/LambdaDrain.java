package io.fenceq.bench.throughput;

import io.fenceq.bench.support.ApplyLatency;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.examples.inventory.Inventory;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.local.lambda.SqsEventSource;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * fenceq's Lambda consumer ({@link LambdaConsumer}, what the consumer function runs) with the same
 * inventory handlers as {@link FenceqDrain}, invoked by the local SQS event source as Lambda's
 * event source mapping would: batches of up to 10, {@value GroupPipeline#GROUPS_IN_FLIGHT}
 * invocations per consumer at most, so as many lane-batches in flight as the workers have.
 */
final class LambdaDrain implements Drain {
  /** The function's timeout: it bounds a lane lease, and the queue's visibility must exceed it. */
  private static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(30);

  private final ConsumerConfig config;
  private final Duration receiveWait;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final int consumers;
  private final ApplyLatency latency;
  private final Inventory inventory;
  private LambdaConsumer consumer;
  private SqsEventSource source;

  LambdaDrain(
      ConsumerConfig base,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      Inventory inventory,
      int consumers,
      Duration receiveWait,
      ApplyLatency latency) {
    this.receiveWait = receiveWait;
    this.config = base;
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.inventory = inventory;
    this.consumers = consumers;
    this.latency = latency;
  }

  /**
   * Invocations at once, as many as the workers' lane slots. The event source's default pollers (as
   * many as Lambda's mapping starts with, about the workers' receive loops) receive for them.
   */
  int maximumConcurrency() {
    return consumers * GroupPipeline.GROUPS_IN_FLIGHT;
  }

  @Override
  public void start() {
    consumer =
        LambdaConsumer.builder()
            .config(config)
            .sqs(sqs)
            .dynamoDb(dynamoDb)
            .handlers(FenceqDrain.timed(inventory.handlers(), latency))
            .build();
    LambdaConsumer function = consumer;
    source =
        SqsEventSource.builder()
            .sqs(sqs)
            .queueUrl(config.engine().queueUrl())
            .function(function::process)
            .config(
                EventSourceConfig.builder()
                    .batchSize(EventSourceConfig.MAX_FIFO_BATCH_SIZE)
                    .maximumConcurrency(maximumConcurrency())
                    .functionTimeout(FUNCTION_TIMEOUT)
                    .receiveWait(receiveWait)
                    .shutdownTimeout(Duration.ofSeconds(5))
                    .build())
            .start();
  }

  @Override
  public long done() {
    return source == null ? 0 : source.progress().succeeded();
  }

  @Override
  public void close() {
    try {
      if (source != null) {
        source.close();
      }
    } finally {
      if (consumer != null) {
        consumer.close();
      }
    }
  }
}
