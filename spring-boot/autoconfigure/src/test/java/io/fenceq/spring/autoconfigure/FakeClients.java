package io.fenceq.spring.autoconfigure;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Clients that answer only the health check's two calls, from what the test says exists; every
 * other call is the SDK interface's default (unsupported).
 */
final class FakeClients {
  private FakeClients() {}

  /** An SQS client whose queue exists while {@code queue} holds its URL. */
  static SqsClient sqs(AtomicReference<String> queue) {
    return new SqsClient() {
      @Override
      public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        if (!request.queueUrl().equals(queue.get())) {
          throw QueueDoesNotExistException.builder()
              .message("no queue " + request.queueUrl())
              .build();
        }
        return GetQueueAttributesResponse.builder()
            .attributes(
                Map.of(
                    QueueAttributeName.FIFO_QUEUE, "true",
                    QueueAttributeName.VISIBILITY_TIMEOUT, "30",
                    QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "262144"))
            .build();
      }

      @Override
      public String serviceName() {
        return "sqs";
      }

      @Override
      public void close() {}
    };
  }

  /** A DynamoDB client whose table exists while {@code table} holds its name. */
  static DynamoDbClient dynamoDb(AtomicReference<String> table) {
    return new DynamoDbClient() {
      @Override
      public DescribeTableResponse describeTable(DescribeTableRequest request) {
        if (!request.tableName().equals(table.get())) {
          throw ResourceNotFoundException.builder()
              .message("no table " + request.tableName())
              .build();
        }
        return DescribeTableResponse.builder().build();
      }

      @Override
      public String serviceName() {
        return "dynamodb";
      }

      @Override
      public void close() {}
    };
  }
}
