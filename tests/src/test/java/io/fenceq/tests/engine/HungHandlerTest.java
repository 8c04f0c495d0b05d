package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.engine.LaneLostException;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A handler that never returns and ignores interrupts: past its job's time limit it is interrupted,
 * then written off; the worker keeps receiving, the job is applied once by a new attempt, the
 * worker reports itself unhealthy, and the old thread's late write is refused.
 */
class HungHandlerTest {
  private static final int KEYS = 20;
  private static final int STEPS = 3;
  private static final String STUCK = "key-0";

  private final TestAws aws = TestAws.get();

  @Test
  void aHandlerIgnoringItsTimeLimitIsWrittenOffAndTheWorkerTurnsUnhealthy(@TempDir Path dir)
      throws Exception {
    TestStack stack = aws.newStack("hung");
    List<String> keys = IntStream.range(0, KEYS).mapToObj(i -> "key-" + i).toList();
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    StuckOnce stuck = new StuckOnce(journal, STUCK + ":0");
    List<JobRequest> jobs = new ArrayList<>();
    for (String key : keys) {
      jobs.addAll(StepJournal.jobs(key, STEPS, 0));
    }
    stack.enqueuer(aws.sqs()).enqueueAll(jobs).requireAllAccepted();
    Path healthFile = dir.resolve("fenceq-healthy");

    try (Workers workers = new Workers(aws, stack)) {
      ConsumerConfig base = workers.config().build();
      ConsumerConfig config =
          workers
              .config()
              .engine(
                  base.engine().toBuilder()
                      .jobTimeLimit(Duration.ofSeconds(1))
                      .writeOffGrace(Duration.ofSeconds(1))
                      .build())
              .healthFile(healthFile)
              .unhealthyWrittenOffThreads(1)
              .build();
      Worker worker = workers.start(config, stuck.handlers());
      assertThat(healthFile).exists();
      assertThat(worker.healthy()).isTrue();

      assertThat(stuck.awaitStarted(Duration.ofMinutes(1))).isTrue();
      Eventually.await(
          "every job to be done, the hung one by a new attempt",
          Duration.ofMinutes(2),
          () -> QueueState.messages(aws.sqs(), stack.workQueueUrl()) == 0,
          workers::progress);
      assertThat(stuck.interrupted()).as("the hung handler was interrupted at its limit").isTrue();
      assertThat(worker.healthy()).isFalse();
      assertThat(healthFile).doesNotExist();

      // The written-off thread wakes up and tries its step: refused, nothing applied twice.
      assertThat(stuck.thawAndAwait(Duration.ofMinutes(1))).isTrue();
      assertThat(stuck.lateOutcome()).isInstanceOf(LaneLostException.class);
    }
    for (String key : keys) {
      assertThat(journal.journal(key))
          .as("journal of %s", key)
          .containsExactlyElementsOf(IntStream.range(0, STEPS).boxed().toList());
    }
  }
}
