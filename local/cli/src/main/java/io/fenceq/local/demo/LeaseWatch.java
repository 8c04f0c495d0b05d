package io.fenceq.local.demo;

import io.fenceq.lease.LeaseStore;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Watches a worker's lease-table writes to count takeovers: a grant whose previous grant went to
 * another owner and was never released, so the new holder took the lane over from a live, paused,
 * cut-off or dead one. Shared by all the in-process workers of a run. Thread-safe.
 */
final class LeaseWatch implements ExecutionInterceptor {
  private final String leaseTable;
  private final Map<String, Map<Long, String>> grants = new HashMap<>();
  private final Set<String> released = new HashSet<>();

  LeaseWatch(String leaseTable) {
    this.leaseTable = leaseTable;
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (!(context.request() instanceof UpdateItemRequest request)
        || !leaseTable.equals(request.tableName())) {
      return;
    }
    String id = request.key().get("id").s();
    if (LeaseStore.ACQUIRE_UPDATE.equals(request.updateExpression())
        && context.response() instanceof UpdateItemResponse response
        && response.hasAttributes()) {
      Map<String, AttributeValue> item = response.attributes();
      long fence = Long.parseLong(item.get("fence").n());
      synchronized (this) {
        grants.computeIfAbsent(id, k -> new HashMap<>()).put(fence, item.get("owner").s());
      }
    } else if (LeaseStore.RELEASE_UPDATE.equals(request.updateExpression())) {
      AttributeValue fence = request.expressionAttributeValues().get(":fence");
      if (fence != null) {
        synchronized (this) {
          released.add(id + "@" + fence.n());
        }
      }
    }
  }

  /** Grants seen by the watched clients. */
  synchronized long grants() {
    return grants.values().stream().mapToLong(Map::size).sum();
  }

  /** Grants that took a lane from another owner that had not released it. */
  synchronized long takeovers() {
    long takeovers = 0;
    for (Map.Entry<String, Map<Long, String>> lane : grants.entrySet()) {
      for (Map.Entry<Long, String> grant : lane.getValue().entrySet()) {
        long previous = grant.getKey() - 1;
        String before = lane.getValue().get(previous);
        if (before != null
            && !before.equals(grant.getValue())
            && !released.contains(lane.getKey() + "@" + previous)) {
          takeovers++;
        }
      }
    }
    return takeovers;
  }
}
