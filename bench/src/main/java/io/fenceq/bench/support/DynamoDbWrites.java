package io.fenceq.bench.support;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the DynamoDB write calls (PutItem, UpdateItem, DeleteItem, conditional or not, accepted or
 * refused: each costs a write request) a client makes, by table.
 */
public final class DynamoDbWrites implements ExecutionInterceptor {
  private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem");

  private final Map<String, LongAdder> byTable = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byUpdate = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    if (!WRITES.contains(operation)) {
      return;
    }
    SdkRequest request = context.request();
    String table = request.getValueForField("TableName", String.class).orElse("?");
    byTable.computeIfAbsent(table, t -> new LongAdder()).increment();
    request
        .getValueForField("UpdateExpression", String.class)
        .ifPresent(
            u -> byUpdate.computeIfAbsent(table + "|" + u, t -> new LongAdder()).increment());
  }

  /** UpdateItem calls to {@code table} with exactly this update expression so far. */
  public long to(String table, String updateExpression) {
    LongAdder n = byUpdate.get(table + "|" + updateExpression);
    return n == null ? 0 : n.sum();
  }

  /** Writes to {@code table} so far. */
  public long to(String table) {
    LongAdder n = byTable.get(table);
    return n == null ? 0 : n.sum();
  }
}
