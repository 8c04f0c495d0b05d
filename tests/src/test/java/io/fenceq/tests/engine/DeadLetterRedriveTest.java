package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.aws.AwsClients;
import io.fenceq.dlq.DeadLetter;
import io.fenceq.dlq.DeadLetterQueueException;
import io.fenceq.dlq.DeadLetterSelection;
import io.fenceq.dlq.DeadLetters;
import io.fenceq.dlq.PurgeReport;
import io.fenceq.dlq.RedriveReport;
import io.fenceq.engine.EngineConfig;
import io.fenceq.engine.SqsQueueActions;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.RingKeys;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Dead-letter operations end to end on the embedded emulators: jobs are enqueued, taken off the
 * work queue and dead-lettered exactly as the engine does ({@link SqsQueueActions#deadLetter}),
 * then listed, redriven (in order per key, onto the key's lane, while the work queue still
 * remembers their job ids) and applied by a worker; a key with jobs still on the work queue is
 * refused; a dry run changes nothing; a purge deletes.
 */
class DeadLetterRedriveTest {
  static final String REASON =
      "its handler failed 5 times (maxAttempts 5); the last failure: java.lang.IllegalStateException:"
          + " downstream down";

  private final TestAws aws = TestAws.get();

  @Test
  void redriveReturnsJobsInOrderPerKeyAndAWorkerAppliesThem() throws Exception {
    TestStack stack = aws.newStack("dlqredrive");
    HashRing ring = HashRing.of(stack.lanes());
    String a = "acct-a";
    String b = sameLane(ring, a, "acct-b-");
    // Interleaved in one lane: a0 b0 a1 b1 a2; the work queue still remembers these job ids.
    List<JobRequest> jobs = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      jobs.add(StepJournal.jobs(a, 3, 0).get(n));
      if (n < 2) {
        jobs.add(StepJournal.jobs(b, 2, 0).get(n));
      }
    }
    stack.enqueuer(aws.sqs()).enqueueAll(jobs).requireAllAccepted();
    assertThat(deadLetterAll(aws, stack, ring)).isEqualTo(5);

    DeadLetters dlq = deadLetters(stack, ring);
    List<DeadLetter> listed = dlq.list();
    assertThat(listed)
        .extracting(DeadLetter::jobId)
        .containsExactly("acct-a:0", b + ":0", "acct-a:1", b + ":1", "acct-a:2");
    assertThat(listed.get(0).reason()).isEqualTo(REASON);
    assertThat(listed.get(0).attempts()).hasValue(5);
    assertThat(listed.get(0).type()).hasValue(StepJournal.TYPE);
    // Listing gave everything back.
    assertThat(QueueState.inFlight(aws.sqs(), stack.dlqUrl())).isZero();
    assertThat(dlq.inspect(b + ":1"))
        .get()
        .extracting(DeadLetter::key)
        .isEqualTo(java.util.Optional.of(b));

    RedriveReport dryRun = dlq.redrive(DeadLetterSelection.all(), true, false);
    assertThat(dryRun.redriven()).hasSize(5);
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(5);
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isZero();

    RedriveReport report = dlq.redrive(DeadLetterSelection.all(), false, false);
    assertThat(report.complete()).as("%s", report).isTrue();
    assertThat(report.redriven()).hasSize(5);
    assertThat(perKey(report, a)).containsExactly("acct-a:0", "acct-a:1", "acct-a:2");
    assertThat(perKey(report, b)).containsExactly(b + ":0", b + ":1");
    assertThat(report.redriven())
        .allSatisfy(r -> assertThat(r.lane()).isEqualTo(ring.laneFor(a).id()));
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
    // All five arrived although SQS had seen each job id as a deduplication id minutes ago.
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isEqualTo(5);

    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    try (Workers workers = new Workers(aws, stack)) {
      workers.start(workers.config().build(), journal.handlers());
      Eventually.await(
          "the redriven jobs to be applied",
          Duration.ofMinutes(1),
          () -> journal.journal(a).size() == 3 && journal.journal(b).size() == 2,
          workers::progress);
    }
    assertThat(journal.journal(a)).containsExactly(0, 1, 2);
    assertThat(journal.journal(b)).containsExactly(0, 1);
  }

  @Test
  void aKeyStillOnTheWorkQueueIsRefusedAndADryRunAndAPurgeDoWhatTheySay() {
    TestStack stack = aws.newStack("dlqrefuse");
    HashRing ring = HashRing.of(stack.lanes());
    String a = "acct-a";
    String c = otherLane(ring, a, "acct-c-");
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs(a, 1, 0)).requireAllAccepted();
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs(c, 1, 0)).requireAllAccepted();
    assertThat(deadLetterAll(aws, stack, ring)).isEqualTo(2);
    // Key a's next job is still waiting on the work queue: redriving a:0 would run it after a:1.
    stack.enqueuer(aws.sqs()).enqueue(StepJournal.jobs(a, 2, 0).get(1));

    DeadLetters dlq = deadLetters(stack, ring);
    RedriveReport report = dlq.redrive(DeadLetterSelection.all(), false, false);
    assertThat(report.refused())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.key()).isEqualTo(a);
              assertThat(k.jobs()).isEqualTo(1);
              assertThat(k.why()).contains(stack.workQueueUrl()).contains("key " + a);
            });
    assertThat(report.redriven()).extracting(r -> r.job().jobId()).containsExactly(c + ":0");
    assertThat(dlq.list()).extracting(DeadLetter::jobId).containsExactly(a + ":0");
    // The check gave the work queue's job back: it is visible to consumers again.
    assertThat(QueueState.inFlight(aws.sqs(), stack.workQueueUrl())).isZero();

    PurgeReport dryPurge = dlq.purge(DeadLetterSelection.key(a), true);
    assertThat(dryPurge.purged()).extracting(DeadLetter::jobId).containsExactly(a + ":0");
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(1);

    PurgeReport purge = dlq.purge(DeadLetterSelection.key(a), false);
    assertThat(purge.purged()).extracting(DeadLetter::jobId).containsExactly(a + ":0");
    assertThat(purge.failed()).isEmpty();
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
  }

  @Test
  void aRedriveCutBetweenSendAndDeleteLosesNothingAndIsNotSentTwice() {
    TestStack stack = aws.newStack("dlqcut");
    HashRing ring = HashRing.of(stack.lanes());
    String key = "acct-x";
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs(key, 1, 0)).requireAllAccepted();
    assertThat(deadLetterAll(aws, stack, ring)).isEqualTo(1);

    Map<String, String> env = aws.awsEnvironment();
    AwsClients.Target target =
        new AwsClients.Target(
            URI.create(env.get("AWS_ENDPOINT_URL_SQS")),
            null,
            Region.of(env.get("AWS_REGION")),
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))));
    try (SqsClient deletesFail = AwsClients.sqs(target, List.of(new DeletesFail()))) {
      RedriveReport cut =
          deadLetters(stack, ring, deletesFail)
              .build()
              .redrive(DeadLetterSelection.all(), false, false);
      assertThat(cut.failed())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.sent()).isTrue();
                assertThat(f.why()).contains(stack.dlqUrl()).contains(key + ":0");
              });
    }
    // Sent and still dead-lettered: nothing lost.
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(1);
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isEqualTo(1);

    DeadLetters dlq = deadLetters(stack, ring);
    // The first copy waits on the work queue: the key is refused.
    assertThat(dlq.redrive(DeadLetterSelection.all(), false, false).refused())
        .extracting(RedriveReport.RefusedKey::key)
        .containsExactly(key);
    // Forced, the copy is sent again under the same deduplication id, and SQS drops it.
    RedriveReport again = dlq.redrive(DeadLetterSelection.all(), false, true);
    assertThat(again.complete()).as("%s", again).isTrue();
    assertThat(again.redriven()).hasSize(1);
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isEqualTo(1);
  }

  @Test
  void aLaneDeeperThanOneReceiveIsRedrivenWholeInOrderAndAMalformedJobStays() {
    TestStack stack = aws.newStack("dlqdeep");
    HashRing ring = HashRing.of(stack.lanes());
    String key = "acct-deep";
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs(key, 25, 0)).requireAllAccepted();
    assertThat(deadLetterAll(aws, stack, ring)).isEqualTo(25);
    aws.sqs()
        .sendMessage(
            r ->
                r.queueUrl(stack.dlqUrl())
                    .messageBody("{not json")
                    .messageGroupId("lane-0000")
                    .messageDeduplicationId("malformed-1"));

    DeadLetters dlq = deadLetters(stack, ring);
    RedriveReport report = dlq.redrive(DeadLetterSelection.all(), false, false);
    assertThat(report.redriven())
        .extracting(r -> r.job().jobId())
        .containsExactlyElementsOf(IntStream.range(0, 25).mapToObj(n -> key + ":" + n).toList());
    assertThat(report.unroutable())
        .singleElement()
        .satisfies(d -> assertThat(d.problem()).contains("not JSON"));
    assertThat(report.refused()).isEmpty();
    assertThat(dlq.list()).extracting(DeadLetter::body).containsExactly("{not json");
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isEqualTo(25);
  }

  /** Fails every DeleteMessage, as if the process died between a redrive's send and delete. */
  private static final class DeletesFail implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof DeleteMessageRequest) {
        throw SdkClientException.create("cut off before the delete");
      }
    }
  }

  @Test
  void afterAReshardARedriveRoutesByTheNewRingStampsItsEpochAndWaitsWhileBarriersArePending() {
    TestStack stack = aws.newStack("dlqepoch");
    HashRing ring = HashRing.of(stack.lanes());
    HashRing resharded = ring.withLanes(stack.lanes() + 3);
    // A key the reshard moves, so that routing by the old ring could not pass for the new one.
    String a = RingKeys.moved(ring, resharded);
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs(a, 1, 0)).requireAllAccepted();
    assertThat(deadLetterAll(aws, stack, ring)).isEqualTo(1);
    RingConfigTable table =
        new RingConfigTable(aws.dynamoDb(), stack.leaseTable(), stack.lanes(), Clock.systemUTC());
    RingEpoch next = table.start(table.read(), resharded.laneCount());
    DeadLetters dlq = deadLetters(stack, ring, aws.sqs()).ringEpochs(table).build();

    assertThatThrownBy(() -> dlq.redrive(DeadLetterSelection.all(), false, false))
        .isInstanceOf(DeadLetterQueueException.class)
        .hasMessageContaining(stack.dlqUrl())
        .hasMessageContaining("still waits for " + stack.lanes() + " old lanes' barriers");
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(1);

    for (int lane : next.pending()) {
      table.clearBarrier(next.epoch(), new Lane(lane));
    }
    RedriveReport report = dlq.redrive(DeadLetterSelection.all(), false, false);

    assertThat(report.redriven()).extracting(r -> r.job().jobId()).containsExactly(a + ":0");
    Message back =
        aws.sqs()
            .receiveMessage(
                r ->
                    r.queueUrl(stack.workQueueUrl())
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(0)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All"))
            .messages()
            .get(0);
    assertThat(back.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .isEqualTo(resharded.laneFor(a).id());
    assertThat(back.messageAttributes().get(Enqueuer.EPOCH_ATTRIBUTE).stringValue())
        .isEqualTo(Long.toString(next.epoch()));
  }

  private DeadLetters deadLetters(TestStack stack, HashRing ring) {
    return deadLetters(stack, ring, aws.sqs()).build();
  }

  private DeadLetters.Builder deadLetters(TestStack stack, HashRing ring, SqsClient sqs) {
    return DeadLetters.builder()
        .sqs(sqs)
        .deadLetterQueueUrl(stack.dlqUrl())
        .workQueueUrl(stack.workQueueUrl())
        .ring(ring)
        .leases(new LeaseTableReader(aws.dynamoDb(), stack.leaseTable()))
        // One emulator, no sampling: a receive without a wait sees every visible message.
        .receiveWait(Duration.ZERO);
  }

  /**
   * Takes every job off the work queue and dead-letters it as the engine does: the dead-letter copy
   * first, then the delete.
   *
   * @return how many were dead-lettered
   */
  static int deadLetterAll(TestAws aws, TestStack stack, HashRing ring) {
    SqsQueueActions actions =
        new SqsQueueActions(
            aws.sqs(),
            EngineConfig.builder()
                .queueUrl(stack.workQueueUrl())
                .deadLetterQueueUrl(stack.dlqUrl())
                .owner("dead-letter-test")
                .ring(ring)
                .build());
    int count = 0;
    for (int receive = 0; receive < 50; receive++) {
      List<Message> batch =
          aws.sqs()
              .receiveMessage(
                  r ->
                      r.queueUrl(stack.workQueueUrl())
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(0)
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                          .messageAttributeNames("All"))
              .messages();
      if (batch.isEmpty()) {
        break;
      }
      for (Message m : batch) {
        actions.deadLetter(m, REASON);
      }
      assertThat(actions.delete(batch)).isEmpty();
      count += batch.size();
    }
    return count;
  }

  private static List<String> perKey(RedriveReport report, String key) {
    return report.redriven().stream()
        .map(RedriveReport.Redriven::job)
        .filter(j -> j.key().orElseThrow().equals(key))
        .map(DeadLetter::jobId)
        .toList();
  }

  private static String sameLane(HashRing ring, String key, String prefix) {
    Lane lane = ring.laneFor(key);
    return IntStream.range(0, 1_000_000)
        .mapToObj(i -> prefix + i)
        .filter(k -> ring.laneFor(k).equals(lane))
        .findFirst()
        .orElseThrow();
  }

  private static String otherLane(HashRing ring, String key, String prefix) {
    Lane lane = ring.laneFor(key);
    return IntStream.range(0, 1_000)
        .mapToObj(i -> prefix + i)
        .filter(k -> !ring.laneFor(k).equals(lane))
        .findFirst()
        .orElseThrow();
  }
}
