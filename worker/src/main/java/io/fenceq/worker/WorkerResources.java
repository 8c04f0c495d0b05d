package io.fenceq.worker;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What a {@link HandlerFactory} may use: the worker's configuration, its environment (for the
 * handlers' own settings) and its AWS clients, which the worker owns and closes.
 *
 * @param config the worker's configuration
 * @param environment the variables the configuration was read from
 * @param dynamoDb the worker's DynamoDB client
 * @param sqs the worker's SQS client
 */
public record WorkerResources(
    WorkerConfig config, Map<String, String> environment, DynamoDbClient dynamoDb, SqsClient sqs) {
  public WorkerResources {
    environment = Map.copyOf(environment);
  }
}
