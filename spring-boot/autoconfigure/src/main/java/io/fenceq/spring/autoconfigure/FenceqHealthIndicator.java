package io.fenceq.spring.autoconfigure;

import io.fenceq.spring.autoconfigure.internal.LaneLosses;
import io.fenceq.worker.Worker;
import java.time.Duration;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The {@code fenceq} component of Actuator's health: DOWN when the work queue or the lease table
 * cannot be reached (each check within {@code fenceq.health.timeout}), when the worker wrote off
 * more handler threads than it tolerates, or when it lost {@code fenceq.health.max-lanes-lost}
 * lanes within {@code fenceq.health.lane-loss-window}; the details say which, and what the worker
 * has done.
 */
public class FenceqHealthIndicator extends AbstractHealthIndicator {
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final FenceqProperties properties;
  private final FenceqWorkerLifecycle worker;

  /**
   * @param worker the worker's lifecycle, or null when the application only enqueues
   */
  public FenceqHealthIndicator(
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      FenceqProperties properties,
      FenceqWorkerLifecycle worker) {
    super("fenceq health check failed");
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.properties = properties;
    this.worker = worker;
  }

  @Override
  protected void doHealthCheck(Health.Builder health) {
    Duration timeout = properties.getHealth().getTimeout();
    AwsRequestOverrideConfiguration limit =
        AwsRequestOverrideConfiguration.builder()
            .apiCallTimeout(timeout)
            .apiCallAttemptTimeout(timeout)
            .build();
    boolean up = true;
    String queue = properties.getQueueUrl();
    health.withDetail("queue", queue);
    try {
      sqs.getQueueAttributes(
          r ->
              r.queueUrl(queue)
                  .attributeNames(QueueAttributeName.QUEUE_ARN)
                  .overrideConfiguration(limit));
      health.withDetail("queueReachable", true);
    } catch (RuntimeException e) {
      up = false;
      health.withDetail("queueReachable", false).withDetail("queueError", oneLine(e));
    }
    if (worker != null) {
      String table = worker.config().leaseTable();
      health.withDetail("leaseTable", table);
      if (dynamoDb != null) {
        try {
          dynamoDb.describeTable(r -> r.tableName(table).overrideConfiguration(limit));
          health.withDetail("leaseTableReachable", true);
        } catch (RuntimeException e) {
          up = false;
          health.withDetail("leaseTableReachable", false).withDetail("leaseTableError", oneLine(e));
        }
      }
      LaneLosses losses = worker.laneLosses();
      int lost = losses.recent();
      Integer maxLost = properties.getHealth().getMaxLanesLost();
      health
          .withDetail("lanesLostRecently", lost)
          .withDetail("laneLossWindow", losses.window().toString());
      if (maxLost != null && lost >= maxLost) {
        up = false;
      }
      health.withDetail("workerRunning", worker.isRunning());
      boolean threadsOk = worker.worker().map(Worker::healthy).orElse(true);
      health.withDetail("workerHealthy", threadsOk);
      if (!threadsOk) {
        up = false;
      }
      health.withDetail("progress", worker.progress().toString());
    }
    if (up) {
      health.up();
    } else {
      health.down();
    }
  }

  private static String oneLine(RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\\s+", " ");
  }
}
