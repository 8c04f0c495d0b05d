package io.fenceq.consumer;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What a {@link HandlerFactory} may use: the consumer's configuration, its environment (for the
 * handlers' own settings) and its AWS clients, which the host owns and closes.
 *
 * @param config the consumer's configuration
 * @param environment the variables the configuration was read from (empty when it was built in
 *     code)
 * @param dynamoDb the consumer's DynamoDB client
 * @param sqs the consumer's SQS client
 */
public record HandlerResources(
    ConsumerConfig config,
    Map<String, String> environment,
    DynamoDbClient dynamoDb,
    SqsClient sqs) {
  public HandlerResources {
    environment = Map.copyOf(environment);
  }
}
