package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.LaneLostException;
import io.fenceq.engine.ShutdownReport;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop in the middle of a run (what SIGTERM does): the stopped workers finish or give
 * back everything they held, release their leases, and lose nothing; workers started afterwards
 * apply every remaining job once and in order.
 */
class GracefulShutdownTest {
  private static final int KEYS = 100;
  private static final int STEPS = 10;

  private final TestAws aws = TestAws.get();

  @Test
  void stoppingMidRunLosesNothingAndReleasesEverything() throws Exception {
    TestStack stack = aws.newStack("shutdown");
    List<String> keys = IntStream.range(0, KEYS).mapToObj(i -> "key-" + i).toList();
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    List<JobRequest> jobs = new ArrayList<>();
    for (int n = 0; n < STEPS; n++) {
      for (String key : keys) {
        jobs.add(StepJournal.jobs(key, STEPS, 20).get(n));
      }
    }
    stack.enqueuer(aws.sqs()).enqueueAll(jobs).requireAllAccepted();

    try (Workers first = new Workers(aws, stack)) {
      List<Worker> running = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        running.add(first.start(first.config().build(), journal.handlers()));
      }
      Eventually.await(
          "a third of the jobs to be done",
          Duration.ofMinutes(2),
          () -> first.progress().done() >= jobs.size() / 3,
          first::progress);

      List<CompletableFuture<ShutdownReport>> stops =
          running.stream().map(Worker::shutdown).toList();
      List<ShutdownReport> reports = stops.stream().map(CompletableFuture::join).toList();
      WorkerProgress stopped = first.progress();

      assertThat(reports).noneMatch(ShutdownReport::forced);
      assertThat(stopped.done()).isLessThan(jobs.size());
      assertThat(stopped.lost()).isZero();
      assertThat(stopped.lanesInFlight()).isZero();
      // Everything not done is back on the queue at once, and no lane is held: a lane that gave
      // jobs back was released, and one whose batch was all deleted is handed to its next batch.
      assertThat(QueueState.inFlight(aws.sqs(), stack.workQueueUrl())).isZero();
      assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl()))
          .isEqualTo(jobs.size() - stopped.done());
      assertThat(LeaseTable.heldNotHandedOver(aws.dynamoDb(), stack.leaseTable())).isEmpty();
      // A second stop is the same stop.
      assertThat(running.get(0).shutdown().join()).isEqualTo(reports.get(0));
    }

    try (Workers second = new Workers(aws, stack)) {
      for (int i = 0; i < 3; i++) {
        second.start(second.config().build(), journal.handlers());
      }
      Eventually.await(
          "every job to be done",
          Duration.ofMinutes(2),
          () -> QueueState.messages(aws.sqs(), stack.workQueueUrl()) == 0,
          second::progress);
    }
    for (String key : keys) {
      assertThat(journal.journal(key))
          .as("journal of %s", key)
          .containsExactlyElementsOf(IntStream.range(0, STEPS).boxed().toList());
    }
  }

  /**
   * ECS sends SIGTERM, waits the stop timeout, then SIGKILL. A handler that ignores the interrupt,
   * under a lease ten times longer than that timeout, must not hold the stop past it, and nothing
   * may be lost: the job goes back at once, the next worker applies it, the old thread's late step
   * is refused.
   */
  @Test
  void aHandlerIgnoringInterruptsUnderALeaseLongerThanTheStopTimeoutHoldsNothingBack()
      throws Exception {
    TestStack stack = aws.newStack("shutdown-hung");
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    StuckOnce stuck = new StuckOnce(journal, "stuck:0");
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs("stuck", 2, 0)).requireAllAccepted();

    try (Workers first = new Workers(aws, stack)) {
      Worker worker =
          first.start(
              first
                  .config()
                  .leaseDuration(Duration.ofSeconds(300))
                  .shutdownTimeout(Duration.ofSeconds(3))
                  .receiveWait(Duration.ofSeconds(1))
                  .build(),
              stuck.handlers());
      assertThat(stuck.awaitStarted(Duration.ofMinutes(1))).isTrue();

      // Waiting for the thread, or for the lease, would take minutes; the stop takes seconds.
      ShutdownReport report = worker.shutdown().get(1, TimeUnit.MINUTES);

      assertThat(report.forced()).isTrue();
      assertThat(report.lanesAbandoned()).isEqualTo(1);
      assertThat(stuck.interrupted()).isTrue();
      assertThat(LeaseTable.held(aws.dynamoDb(), stack.leaseTable())).isEmpty();
      assertThat(QueueState.inFlight(aws.sqs(), stack.workQueueUrl())).isZero();
      assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isEqualTo(2);
    }

    try (Workers second = new Workers(aws, stack)) {
      second.start(second.config().build(), journal.handlers());
      Eventually.await(
          "both jobs to be done by the next worker",
          Duration.ofMinutes(1),
          () -> QueueState.messages(aws.sqs(), stack.workQueueUrl()) == 0,
          second::progress);
    }
    assertThat(stuck.thawAndAwait(Duration.ofMinutes(1))).isTrue();
    assertThat(stuck.lateOutcome()).isInstanceOf(LaneLostException.class);
    assertThat(journal.journal("stuck")).containsExactly(0, 1);
  }
}
