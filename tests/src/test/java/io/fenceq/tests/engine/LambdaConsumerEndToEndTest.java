package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.functions.ConsumerFunction;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.local.lambda.EventSourceProgress;
import io.fenceq.local.lambda.SqsEventSource;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * S1, S2 and S3 on the Lambda host: the local SQS event source polls the stack's FIFO queue as
 * Lambda's event source mapping does and invokes {@link ConsumerFunction} in-process, with the
 * {@link StepJournal} handlers on the example inventory table. Every key's journal must read its
 * steps once each, in enqueue order.
 */
class LambdaConsumerEndToEndTest {
  private static final int STEPS = 10;
  private static final Duration LIMIT = Duration.ofMinutes(4);

  private final TestAws aws = TestAws.get();

  @Test
  void twoThousandJobsTakeEffectOnceEachInKeyOrder() throws Exception {
    TestStack stack = aws.newStack("lambdadrain");
    List<String> keys = keys("drain", 200);
    enqueueSteps(stack, keys);

    EventSourceProgress progress;
    try (SqsEventSource source = start(stack, StepJournal.Factory.class.getName(), 4)) {
      awaitDrained(stack, source);
      progress = source.progress();
    }

    assertJournals(stack, keys);
    assertThat(progress.records()).isGreaterThanOrEqualTo(keys.size() * STEPS);
    assertThat(progress.failedInvocations()).as("failed invocations").isZero();
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
  }

  @Test
  void aJobThatFailsOnceIsRetriedLaterInItsKeysOrder() throws Exception {
    TestStack stack = aws.newStack("lambdafailonce");
    List<String> keys = keys("failonce", 20);
    String failing = keys.get(7) + ":4";
    FailOnceJournal.FAIL_ONCE.add(failing);
    enqueueSteps(stack, keys);

    EventSourceProgress progress;
    try (SqsEventSource source = start(stack, FailOnceJournal.class.getName(), 3)) {
      awaitDrained(stack, source);
      progress = source.progress();
    }

    assertThat(FailOnceJournal.FAIL_ONCE).doesNotContain(failing);
    assertThat(FailOnceJournal.APPLIED_ON.get(failing))
        .as("deliveries on which %s took effect", failing)
        .containsExactly(2);
    assertJournals(stack, keys);
    // The failed job and the rest of its lane in that batch were reported, not the whole batch.
    assertThat(progress.itemFailures()).isGreaterThanOrEqualTo(1);
    assertThat(progress.failedInvocations()).isZero();
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
  }

  private SqsEventSource start(TestStack stack, String handlerFactory, int concurrency) {
    Map<String, String> environment = aws.consumerEnvironment(stack);
    environment.put(InventoryHandlers.INVENTORY_TABLE, stack.inventoryTable());
    environment.put(ConsumerConfig.HANDLER, handlerFactory);
    return SqsEventSource.builder()
        .sqs(aws.sqs())
        .queueUrl(stack.workQueueUrl())
        .function(new ConsumerFunction(environment))
        .config(
            EventSourceConfig.builder()
                .maximumConcurrency(concurrency)
                .functionTimeout(Duration.ofSeconds(30))
                .receiveWait(Duration.ofSeconds(1))
                .build())
        .start();
  }

  private void awaitDrained(TestStack stack, SqsEventSource source) throws InterruptedException {
    Eventually.await(
        "the work queue to be empty",
        LIMIT,
        () -> QueueState.messages(aws.sqs(), stack.workQueueUrl()) == 0,
        source::progress);
  }

  /** Enqueues steps 0 to 9 of every key, step by step, so that batches mix lanes. */
  private void enqueueSteps(TestStack stack, List<String> keys) {
    List<List<JobRequest>> byKey = keys.stream().map(k -> StepJournal.jobs(k, STEPS, 0)).toList();
    List<JobRequest> jobs = new ArrayList<>();
    for (int step = 0; step < STEPS; step++) {
      for (List<JobRequest> steps : byKey) {
        jobs.add(steps.get(step));
      }
    }
    stack.enqueuer(aws.sqs()).enqueueAll(jobs).requireAllAccepted();
  }

  private void assertJournals(TestStack stack, List<String> keys) {
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    List<Integer> all = IntStream.range(0, STEPS).boxed().toList();
    for (String key : keys) {
      assertThat(journal.journal(key))
          .as("steps of %s in the order they took effect", key)
          .containsExactlyElementsOf(all);
    }
  }

  private static List<String> keys(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
  }
}
