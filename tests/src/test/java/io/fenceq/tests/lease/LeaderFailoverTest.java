package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.cron.CronEnqueuer;
import io.fenceq.cron.CronJob;
import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.LeaderElector;
import io.fenceq.lease.LeadershipListener;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Leader election and cron on DynamoDB Local and ElasticMQ over HTTP, in manual time: three
 * electors, the leader killed without a release, and the cron ticks its successor enqueues.
 */
class LeaderFailoverTest {
  private static final Instant START = Instant.parse("2026-11-26T12:00:00Z");
  private static final CronJob EVERY_MINUTE = CronJob.of("sweep", "rate(1 minute)", "sweep.run");

  private final TestAws aws = TestAws.get();
  private final List<Gained> gains = new ArrayList<>();

  record Gained(Duration at, String owner, long fence) {}

  /** An elector and the cron it runs while it leads. */
  record Candidate(LeaderElector elector, CronEnqueuer cron) {}

  private Candidate candidate(
      Contenders contenders,
      TestStack stack,
      RoundScheduler scheduler,
      String owner,
      Duration skew) {
    LeaseConfig config = LeaseConfig.builder().expiryMode(ExpiryMode.WALL_CLOCK_HINT).build();
    LeaseStore store = contenders.contender(config, skew);
    Clock clock = contenders.clockOf(contenders.size() - 1);
    LeaderElector elector =
        LeaderElector.builder()
            .store(store)
            .name("cron")
            .owner(owner)
            .listener(
                new LeadershipListener() {
                  @Override
                  public void gained(long fence) {
                    gains.add(new Gained(scheduler.now(), owner, fence));
                  }

                  @Override
                  public void lost(String reason) {}
                })
            .build();
    Enqueuer enqueuer =
        Enqueuer.builder()
            .sqs(aws.sqs())
            .queueUrl(stack.workQueueUrl())
            .ring(HashRing.of(stack.lanes()))
            .clock(clock)
            .build();
    CronEnqueuer cron =
        CronEnqueuer.builder().enqueuer(enqueuer).clock(clock).job(EVERY_MINUTE).build();
    return new Candidate(elector, cron);
  }

  @Test
  void killingTheLeaderHandsOverWithinLeasePlusRenewIntervalAndEveryTickIsEnqueuedOnce() {
    TestStack stack = aws.newStack("leader-failover");
    Contenders contenders = new Contenders(aws.dynamoDb(), stack.leaseTable(), START);
    RoundScheduler scheduler = new RoundScheduler(contenders);
    List<Candidate> candidates = new ArrayList<>();
    for (String owner : List.of("a", "b", "c")) {
      Candidate c = candidate(contenders, stack, scheduler, owner, Duration.ZERO);
      candidates.add(c);
      scheduler.add(c.elector());
    }
    Map<LeaderElector, CronEnqueuer> crons = new HashMap<>();
    candidates.forEach(c -> crons.put(c.elector(), c.cron()));

    scheduler.runUntil(Duration.ofMinutes(5), e -> runCronIfLeader(e, crons));
    List<LeaderElector> leaders =
        candidates.stream().map(Candidate::elector).filter(LeaderElector::isLeader).toList();
    assertThat(leaders).hasSize(1);
    LeaderElector killed = leaders.get(0);
    long oldFence = killed.fence().getAsLong();
    Duration killedAt = scheduler.now();
    scheduler.kill(killed);
    // A leader runs its cron after each round, so one more renewal interval covers 12:10.
    scheduler.runUntil(
        killedAt.plus(Duration.ofMinutes(5)).plusSeconds(10), e -> runCronIfLeader(e, crons));

    Gained next =
        gains.stream().filter(g -> g.at().compareTo(killedAt) > 0).findFirst().orElseThrow();
    LeaseConfig config = LeaseConfig.defaults();
    assertThat(next.owner()).isNotEqualTo(killed.owner());
    assertThat(next.fence()).isGreaterThan(oldFence);
    assertThat(next.at().minus(killedAt))
        .isLessThanOrEqualTo(config.leaseDuration().plus(config.renewInterval()));
    assertThat(gains).hasSize(2);

    List<String> ids = drainJobIds(stack);
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids).containsExactlyInAnyOrderElementsOf(everyMinute("11:57", "12:10"));
  }

  @Test
  void twoLeadersAtOnceStillEnqueueEachTickOnce() {
    TestStack stack = aws.newStack("two-leaders");
    // Just before a tick, so that both leaders see it fall due.
    Contenders contenders =
        new Contenders(aws.dynamoDb(), stack.leaseTable(), START.plusSeconds(55));
    RoundScheduler scheduler = new RoundScheduler(contenders);
    Candidate a = candidate(contenders, stack, scheduler, "a", Duration.ZERO);
    Candidate b = candidate(contenders, stack, scheduler, "b", Duration.ofSeconds(30));
    a.elector().runRound();
    contenders.advance(Duration.ofMillis(1));
    b.elector().runRound(); // b's clock runs 30 s fast: it takes over early

    for (int second = 0; second < 9; second++) {
      assertThat(a.elector().isLeader() && b.elector().isLeader())
          .as("both believe they lead")
          .isTrue();
      a.cron().enqueueDue();
      b.cron().enqueueDue();
      contenders.advance(Duration.ofSeconds(1));
    }
    a.elector().runRound();
    assertThat(a.elector().isLeader()).as("a learns at its next renewal").isFalse();

    List<String> ids = drainJobIds(stack);
    assertThat(ids).doesNotHaveDuplicates();
    // a (12:00:55 to 12:01:04) and b (30 s ahead) together cover ticks 11:57 to 12:01.
    assertThat(ids).containsExactlyInAnyOrderElementsOf(everyMinute("11:57", "12:01"));
  }

  private static void runCronIfLeader(
      LeaderElector elector, Map<LeaderElector, CronEnqueuer> crons) {
    if (elector.isLeader()) {
      crons.get(elector).enqueueDue();
    }
  }

  private static List<String> everyMinute(String fromHhMm, String toHhMm) {
    List<String> ids = new ArrayList<>();
    Instant to = Instant.parse("2026-11-26T" + toHhMm + ":00Z");
    for (Instant t = Instant.parse("2026-11-26T" + fromHhMm + ":00Z");
        !t.isAfter(to);
        t = t.plusSeconds(60)) {
      ids.add(CronJob.jobId(EVERY_MINUTE.name(), t));
    }
    return ids;
  }

  private List<String> drainJobIds(TestStack stack) {
    SqsClient sqs = aws.sqs();
    List<String> ids = new ArrayList<>();
    while (true) {
      List<Message> batch =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(stack.workQueueUrl())
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .visibilityTimeout(60))
              .messages();
      if (batch.isEmpty()) {
        return ids;
      }
      for (Message m : batch) {
        ids.add(JobEnvelope.parse(m.body()).jobId());
      }
      List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        String handle = batch.get(i).receiptHandle();
        entries.add(
            DeleteMessageBatchRequestEntry.builder().id("m" + i).receiptHandle(handle).build());
      }
      sqs.deleteMessageBatch(r -> r.queueUrl(stack.workQueueUrl()).entries(entries));
    }
  }
}
