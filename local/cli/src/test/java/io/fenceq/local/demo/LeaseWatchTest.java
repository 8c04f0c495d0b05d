package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.lease.LeaseStore;
import io.fenceq.lease.SequenceSpan;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** Takeovers are grants from an owner that neither released the lane nor handed it over. */
class LeaseWatchTest {
  private static final String TABLE = "leases";
  private static final String LANE = "lane#0007";
  private final LeaseWatch watch = new LeaseWatch(TABLE);

  private void grant(long fence, String owner, long first, long last) {
    SequenceSpan span = new SequenceSpan(Long.toString(first), Long.toString(last));
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":me", AttributeValue.fromS(owner));
    values.put(":firstSeq", AttributeValue.fromS(span.firstKey()));
    values.put(":lastSeq", AttributeValue.fromS(span.lastKey()));
    see(
        LeaseStore.ACQUIRE_LANE_UPDATE,
        values,
        Map.of(
            "id", AttributeValue.fromS(LANE),
            "owner", AttributeValue.fromS(owner),
            "fence", AttributeValue.fromN(Long.toString(fence)),
            "heldThrough", AttributeValue.fromS(span.lastKey())));
  }

  private void release(long fence, String owner) {
    see(
        LeaseStore.RELEASE_UPDATE,
        Map.of(
            ":me", AttributeValue.fromS(owner),
            ":fence", AttributeValue.fromN(Long.toString(fence))),
        Map.of("id", AttributeValue.fromS(LANE), "fence", AttributeValue.fromN("" + fence)));
  }

  private void see(
      String update, Map<String, AttributeValue> values, Map<String, AttributeValue> item) {
    UpdateItemRequest request =
        UpdateItemRequest.builder()
            .tableName(TABLE)
            .key(Map.of("id", AttributeValue.fromS(LANE)))
            .updateExpression(update)
            .expressionAttributeValues(values)
            .build();
    UpdateItemResponse response = UpdateItemResponse.builder().attributes(item).build();
    watch.afterExecution(
        InterceptorContext.builder().request(request).response(response).build(),
        new ExecutionAttributes());
  }

  @Test
  void aGrantAboveThePreviousBatchIsAHandoverNotATakeover() {
    grant(1, "a", 1, 10);
    grant(2, "b", 11, 12);
    grant(3, "a", 13, 20);

    assertThat(watch.grants()).isEqualTo(3);
    assertThat(watch.takeovers()).isZero();
  }

  @Test
  void aGrantOfTheSameBatchFromAnotherOwnerIsATakeover() {
    grant(1, "a", 1, 10);
    grant(2, "b", 1, 10);
    grant(3, "a", 5, 10);

    assertThat(watch.takeovers()).isEqualTo(2);
  }

  @Test
  void aGrantAfterAReleaseIsNoTakeover() {
    grant(1, "a", 1, 10);
    release(1, "a");
    grant(2, "b", 1, 10);

    assertThat(watch.takeovers()).isZero();
  }
}
