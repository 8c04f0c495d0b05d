package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
import io.fenceq.fence.FenceResult;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A job that runs for more than three times the queue's visibility timeout keeps its message and
 * its lane through the heartbeat: it runs once, no other worker receives its message meanwhile, and
 * it is deleted when it returns.
 */
class HeartbeatTest {
  /** The template's smallest visibility timeout, so the job need only run a few times that. */
  private static final int VISIBILITY_SECONDS = 5;

  private final TestAws aws = TestAws.get();

  @Test
  void aJobLongerThanThreeVisibilityTimeoutsRunsOnceAndIsDeleted() throws Exception {
    TestStack stack =
        aws.newStack(
            "heartbeat", Map.of("VisibilityTimeoutSeconds", Integer.toString(VISIBILITY_SECONDS)));
    int workMs = (3 * VISIBILITY_SECONDS + 2) * 1000;
    List<Job> runs = new CopyOnWriteArrayList<>();
    List<FenceResult> writes = new CopyOnWriteArrayList<>();
    StepJournal journal =
        new StepJournal(aws.dynamoDb(), stack.inventoryTable(), (job, r) -> writes.add(r));
    JobHandler step =
        (job, context) -> {
          runs.add(job);
          journal.step(job, context);
        };
    stack
        .enqueuer(aws.sqs())
        .enqueueAll(StepJournal.jobs("long-job", 1, workMs))
        .requireAllAccepted();

    try (Workers workers = new Workers(aws, stack)) {
      // Leases as short as the visibility timeout: without renewals, both would lapse mid-job.
      Worker first =
          workers.start(
              workers.config().leaseDuration(Duration.ofSeconds(VISIBILITY_SECONDS)).build(),
              Map.of(StepJournal.TYPE, step));
      Eventually.await(
          "the long job to start", Duration.ofSeconds(30), () -> !runs.isEmpty(), first::progress);
      Worker second =
          workers.start(
              workers.config().leaseDuration(Duration.ofSeconds(VISIBILITY_SECONDS)).build(),
              Map.of(StepJournal.TYPE, step));
      Eventually.await(
          "the long job to be deleted",
          Duration.ofSeconds(90),
          () -> first.progress().done() == 1,
          workers::progress);

      assertThat(second.progress().received())
          .as("messages the second worker received while the job ran")
          .isZero();
    }
    assertThat(runs).singleElement().extracting(Job::attempt).isEqualTo(1);
    assertThat(writes).containsExactly(FenceResult.APPLIED);
    assertThat(journal.journal("long-job")).containsExactly(0);
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isZero();
  }
}
