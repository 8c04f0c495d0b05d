package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.examples.inventory.InventoryHandlers;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.testing.faults.ProcessFaults;
import io.fenceq.testing.faults.WorkerJvm;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The worker as ECS runs it, {@code WorkerMain} in a process of its own: killed with SIGKILL in the
 * middle of its batches, its lanes resume on other workers once its leases and its messages'
 * visibility run out, with no effect lost, duplicated or reordered; stopped with SIGTERM, it gives
 * everything back, releases its leases and exits 0; a second SIGTERM ends it at once.
 */
class WorkerProcessTest {
  private static final int KEYS = 60;
  private static final int STEPS = 20;
  private static final int VISIBILITY_SECONDS = 5;

  private final TestAws aws = TestAws.get();
  private final ProcessFaults faults = new ProcessFaults();

  @Test
  void aKilledWorkersLanesResumeElsewhereWithNoDuplicateOrReorderedEffect() throws Exception {
    TestStack stack = stack("killed");
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    List<String> keys = enqueueSteps(stack, 30);

    Map<String, String> heldAtKill;
    try (WorkerJvm process = start(stack, "killed-worker");
        Workers others = new Workers(aws, stack)) {
      Eventually.await(
          "the worker process to hold lanes",
          Duration.ofMinutes(1),
          () -> process.workerId().isPresent() && heldBy(stack, id(process)).size() >= 3,
          process::output);
      others.start(
          others.config().leaseDuration(Duration.ofSeconds(5)).build(), journal.handlers());
      heldAtKill = heldBy(stack, id(process));
      faults.kill9(process.handle());
      assertThat(process.awaitExit(Duration.ofSeconds(30))).isNotZero();
      assertThat(heldAtKill).as("lanes the process held when it was killed").isNotEmpty();

      Eventually.await(
          "the other worker to finish every key",
          Duration.ofMinutes(3),
          () -> QueueState.messages(aws.sqs(), stack.workQueueUrl()) == 0,
          others::progress);
    }
    for (String key : keys) {
      assertThat(journal.journal(key))
          .as("journal of %s", key)
          .containsExactlyElementsOf(IntStream.range(0, STEPS).boxed().toList());
    }
  }

  @Test
  void sigtermGivesEverythingBackReleasesTheLeasesAndExitsZero() throws Exception {
    TestStack stack = stack("sigterm");
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    List<String> keys = enqueueSteps(stack, 30);

    try (WorkerJvm process = start(stack, "stopped-worker")) {
      Eventually.await(
          "the worker process to hold lanes",
          Duration.ofMinutes(1),
          () -> process.workerId().isPresent() && !heldBy(stack, id(process)).isEmpty(),
          process::output);
      process.terminate();

      assertThat(process.awaitExit(Duration.ofSeconds(60))).as(process.output()).isZero();
      assertThat(process.output()).contains("fenceq worker: stopped");
      assertThat(heldBy(stack, id(process))).isEmpty();
      assertThat(QueueState.inFlight(aws.sqs(), stack.workQueueUrl())).isZero();
    }
    try (Workers restarted = new Workers(aws, stack)) {
      restarted.start(restarted.config().build(), journal.handlers());
      Eventually.await(
          "every job to be done after the restart",
          Duration.ofMinutes(3),
          () -> QueueState.messages(aws.sqs(), stack.workQueueUrl()) == 0,
          restarted::progress);
    }
    for (String key : keys) {
      assertThat(journal.journal(key))
          .as("journal of %s", key)
          .containsExactlyElementsOf(IntStream.range(0, STEPS).boxed().toList());
    }
  }

  @Test
  void aSecondSigtermEndsTheWorkerAtOnce() throws Exception {
    TestStack stack = stack("twosignals");
    // One job that outlasts the shutdown grace period: the first signal waits for it.
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs("slow", 1, 60_000)).requireAllAccepted();

    try (WorkerJvm process = start(stack, "signalled-worker")) {
      Eventually.await(
          "the worker process to start the slow job",
          Duration.ofMinutes(1),
          () ->
              process.workerId().isPresent()
                  && !heldBy(stack, id(process)).isEmpty()
                  && process.output().contains("event=step_work_started key=slow"),
          process::output);
      process.terminate();
      Eventually.await(
          "the first signal to start a graceful stop",
          Duration.ofSeconds(30),
          () -> process.output().contains("action=graceful_stop"),
          process::output);
      process.terminate();

      assertThat(process.awaitExit(Duration.ofSeconds(30))).isEqualTo(130);
      assertThat(process.output()).contains("second signal, exiting now");
      assertThat(process.output()).doesNotContain("fenceq worker: stopped");
    }
  }

  /**
   * {@code WorkerMain} on {@code stack} running {@link StepJournal} jobs, with the test class path
   * (so it finds {@link StepJournal.Factory}).
   */
  private WorkerJvm start(TestStack stack, String name) {
    Map<String, String> env = aws.consumerEnvironment(stack);
    env.put(InventoryHandlers.INVENTORY_TABLE, stack.inventoryTable());
    env.put(ConsumerConfig.HANDLER, StepJournal.Factory.class.getName());
    env.put(ConsumerConfig.CONCURRENCY, "2");
    env.put(ConsumerConfig.MAX_LANES_IN_FLIGHT, "16");
    env.put(ConsumerConfig.LEASE_SECONDS, "5");
    env.put(ConsumerConfig.SHUTDOWN_SECONDS, "10");
    env.put(ConsumerConfig.RECEIVE_WAIT_SECONDS, "2");
    return WorkerJvm.builder()
        .name(name)
        .environment(env)
        .outputDirectory(Path.of("target"))
        .start();
  }

  private static String id(WorkerJvm process) {
    return process.workerId().orElseThrow();
  }

  private TestStack stack(String purpose) {
    return aws.newStack(
        purpose, Map.of("VisibilityTimeoutSeconds", Integer.toString(VISIBILITY_SECONDS)));
  }

  /** Enqueues {@value #STEPS} steps for each of {@value #KEYS} keys; returns the keys. */
  private List<String> enqueueSteps(TestStack stack, int workMs) {
    List<String> keys = IntStream.range(0, KEYS).mapToObj(i -> "key-" + i).toList();
    List<JobRequest> jobs = new ArrayList<>();
    for (int n = 0; n < STEPS; n++) {
      for (String key : keys) {
        jobs.add(StepJournal.jobs(key, STEPS, workMs).get(n));
      }
    }
    stack.enqueuer(aws.sqs()).enqueueAll(jobs).requireAllAccepted();
    return keys;
  }

  private Map<String, String> heldBy(TestStack stack, String owner) {
    Map<String, String> held =
        new java.util.TreeMap<>(LeaseTable.held(aws.dynamoDb(), stack.leaseTable()));
    held.values().removeIf(o -> !o.equals(owner));
    return held;
  }
}
