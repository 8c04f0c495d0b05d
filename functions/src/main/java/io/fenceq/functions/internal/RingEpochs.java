package io.fenceq.functions.internal;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.functions.FunctionConfigException;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.reshard.RingEpochSource;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Whether a function's producer follows the ring's epoch ({@code FENCEQ_RING_EPOCHS}), and where it
 * reads it: the lease table's {@code ring#config} item ({@code FENCEQ_LEASE_TABLE}).
 */
public final class RingEpochs {
  private RingEpochs() {}

  /**
   * The epoch source of a producer configured with {@code configuredLanes}, or null when {@code
   * FENCEQ_RING_EPOCHS} is unset or false. The DynamoDB client is asked for only when it is on, so
   * a function that does not follow epochs makes no DynamoDB client.
   *
   * @throws FunctionConfigException if the flag is not true or false, or it is true without a lease
   *     table
   */
  public static RingEpochSource of(
      Environment env, int configuredLanes, Supplier<DynamoDbClient> dynamoDb) {
    if (!env.flag(ConsumerConfig.RING_EPOCHS)) {
      return null;
    }
    String table = env.optional(ConsumerConfig.LEASE_TABLE);
    if (table == null) {
      throw new FunctionConfigException(
          ConsumerConfig.LEASE_TABLE
              + " is required with "
              + ConsumerConfig.RING_EPOCHS
              + "=true (the ring's epoch is read from it), got nothing (not set)");
    }
    return new RingConfigTable(dynamoDb.get(), table, configuredLanes, Clock.systemUTC());
  }
}
