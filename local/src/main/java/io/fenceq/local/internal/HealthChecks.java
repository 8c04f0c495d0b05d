package io.fenceq.local.internal;

import io.fenceq.local.LocalAwsException;
import java.net.URI;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A first request to each emulator before anything is provisioned, so that a broken emulator is
 * reported as such rather than as a failure to create the first queue or table.
 */
public final class HealthChecks {
  private HealthChecks() {}

  /**
   * {@code ListQueues} succeeds.
   *
   * @throws LocalAwsException naming the endpoint otherwise
   */
  public static void sqsAnswers(SqsClient sqs, URI endpoint) {
    try {
      sqs.listQueues();
    } catch (SdkException e) {
      throw new LocalAwsException(
          "ElasticMQ (SQS) at " + endpoint + " does not answer ListQueues: " + e.getMessage(), e);
    }
  }

  /**
   * {@code ListTables} succeeds.
   *
   * <p>DynamoDB Local starts even when it cannot load its native SQLite library, then answers every
   * request with HTTP 500; the message says where the library is unpacked and what that directory
   * needs.
   *
   * @throws LocalAwsException naming the endpoint otherwise
   */
  public static void dynamoDbAnswers(DynamoDbClient dynamoDb, URI endpoint) {
    try {
      dynamoDb.listTables();
    } catch (DynamoDbException e) {
      if (e.statusCode() == 500) {
        throw new LocalAwsException(
            "DynamoDB Local at "
                + endpoint
                + " answers HTTP 500 to ListTables. This usually means it could not load its"
                + " native SQLite library, which it unpacks into org.sqlite.tmpdir ("
                + System.getProperty("org.sqlite.tmpdir", "not set")
                + "), else java.io.tmpdir ("
                + System.getProperty("java.io.tmpdir")
                + "): that directory must exist, be writable and not be mounted noexec;"
                + " point -Dorg.sqlite.tmpdir at one that is",
            e);
      }
      throw new LocalAwsException(
          "DynamoDB Local at " + endpoint + " refuses ListTables: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new LocalAwsException(
          "DynamoDB Local at " + endpoint + " does not answer ListTables: " + e.getMessage(), e);
    }
  }
}
