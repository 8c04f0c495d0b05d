package io.fenceq.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.queue.JobRequest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Parameters are injected, and every test gets a stack of its own. */
@FenceqLocal
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirstFenceqLocalTest {
  /** Stack names seen by the tests of this class, to check no two share one. */
  private static final Set<String> STACKS = ConcurrentHashMap.newKeySet();

  @Test
  void injectsTheClientsAndAStackTheyReach(
      FenceqStack stack, SqsClient sqs, DynamoDbClient dynamo) {
    assertThat(TestBackend.STARTED.get()).isEqualTo(1);
    assertThat(stack.sqs()).isSameAs(sqs);
    assertThat(sqs.listQueues(r -> r.queueNamePrefix(stack.stackName())).queueUrls())
        .contains(stack.queueUrl(), stack.deadLetterQueueUrl());
    assertThat(dynamo.describeTable(r -> r.tableName(stack.leaseTable())).table().tableName())
        .isEqualTo(stack.leaseTable());
    assertThat(stack.tables()).containsKeys("LeaseTable", "InventoryTable");
    assertThat(stack.table("InventoryTable")).startsWith(stack.stackName());
    assertThat(stack.consumerConfig().build().leaseTable()).isEqualTo(stack.leaseTable());
    assertThat(stack.consumerConfig().build().receiveWait())
        .isEqualTo(FenceqStack.TEST_RECEIVE_WAIT);
    STACKS.add(stack.stackName());
  }

  @Test
  @Order(1)
  void aJobEnqueuedInOneTestIsNotSeenInAnother(FenceqStack stack, SqsClient sqs) {
    assertThat(TestBackend.STARTED.get()).isEqualTo(1);
    stack.enqueuer().enqueue(JobRequest.of("key-1", "kind", Map.of("n", "1")));
    assertThat(
            sqs.receiveMessage(r -> r.queueUrl(stack.queueUrl()).maxNumberOfMessages(10))
                .messages())
        .hasSize(1);
    STACKS.add(stack.stackName());
  }

  /** Runs after the test above left a job in its own queue. */
  @Test
  @Order(2)
  void aFreshStackHasAnEmptyQueue(FenceqStack stack, SqsClient sqs) {
    assertThat(STACKS).doesNotContain(stack.stackName());
    assertThat(
            sqs.getQueueAttributes(
                    r ->
                        r.queueUrl(stack.queueUrl())
                            .attributeNamesWithStrings("ApproximateNumberOfMessages"))
                .attributesAsStrings())
        .containsEntry("ApproximateNumberOfMessages", "0");
    STACKS.add(stack.stackName());
  }

  @Test
  void theSameStackForEveryParameterOfOneTest(FenceqStack first, FenceqStack second) {
    assertThat(second).isSameAs(first);
  }
}
