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
 * another owner and was neither released nor handed over, so the new holder took the lane over from
 * a live, paused, cut-off or dead one. A handover (the new grant's lane-batch starts above the one
 * the previous grant recorded, so SQS had deleted all of it) is the normal way a lane passes on.
 * Shared by all the in-process workers of a run. Thread-safe.
 */
final class LeaseWatch implements ExecutionInterceptor {
  /** One grant: to whom, the first sequence key it was asked for and the last one it recorded. */
  private record Grant(String owner, String firstSeq, String heldThrough) {}

  private final String leaseTable;
  private final Map<String, Map<Long, Grant>> grants = new HashMap<>();
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
    String update = request.updateExpression();
    if ((LeaseStore.ACQUIRE_UPDATE.equals(update) || LeaseStore.ACQUIRE_LANE_UPDATE.equals(update))
        && context.response() instanceof UpdateItemResponse response
        && response.hasAttributes()) {
      Map<String, AttributeValue> item = response.attributes();
      long fence = Long.parseLong(item.get("fence").n());
      AttributeValue first = request.expressionAttributeValues().get(":firstSeq");
      AttributeValue last = item.get("heldThrough");
      Grant grant =
          new Grant(
              item.get("owner").s(),
              first == null ? null : first.s(),
              last == null ? null : last.s());
      synchronized (this) {
        grants.computeIfAbsent(id, k -> new HashMap<>()).put(fence, grant);
      }
    } else if (LeaseStore.RELEASE_UPDATE.equals(update)) {
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

  /** Grants that took a lane from another owner that had neither released nor handed it over. */
  synchronized long takeovers() {
    long takeovers = 0;
    for (Map.Entry<String, Map<Long, Grant>> lane : grants.entrySet()) {
      for (Map.Entry<Long, Grant> entry : lane.getValue().entrySet()) {
        long previous = entry.getKey() - 1;
        Grant grant = entry.getValue();
        Grant before = lane.getValue().get(previous);
        if (before != null
            && !before.owner().equals(grant.owner())
            && !released.contains(lane.getKey() + "@" + previous)
            && !handedOver(before, grant)) {
          takeovers++;
        }
      }
    }
    return takeovers;
  }

  private static boolean handedOver(Grant before, Grant after) {
    return before.heldThrough() != null
        && after.firstSeq() != null
        && before.heldThrough().compareTo(after.firstSeq()) < 0;
  }
}
