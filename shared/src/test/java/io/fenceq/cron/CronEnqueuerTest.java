package io.fenceq.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.queue.EnqueueException;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.testing.FakeFifoSqs;
import io.fenceq.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Schedules become jobs whose ids make every tick enqueue once, even from two leaders. */
class CronEnqueuerTest {
  private static final Instant START = Instant.parse("2026-11-26T12:07:30Z");
  private final FakeFifoSqs sqs = new FakeFifoSqs();

  private CronEnqueuer cron(ManualClock clock, CronJob... jobs) {
    Enqueuer enqueuer =
        Enqueuer.builder()
            .sqs(sqs)
            .queueUrl(FakeFifoSqs.QUEUE_URL)
            .ring(HashRing.of(16))
            .clock(clock)
            .sleeper(d -> {})
            .build();
    CronEnqueuer.Builder b = CronEnqueuer.builder().enqueuer(enqueuer).clock(clock);
    for (CronJob job : jobs) {
      b.job(job);
    }
    return b.build();
  }

  private List<String> storedJobIds() {
    return sqs.stored().stream().map(SendMessageBatchRequestEntry::messageDeduplicationId).toList();
  }

  @Test
  void aTicksJobIdIsCronNameTickAndAValidDeduplicationId() {
    String id = CronJob.jobId("nightly-report", Instant.parse("2026-11-26T02:00:00Z"));
    assertThat(id).isEqualTo("cron:nightly-report:2026-11-26T02:00:00Z");
    assertThat(new JobRequest("k", "t", com.fasterxml.jackson.databind.node.NullNode.instance, id))
        .isNotNull();
  }

  @Test
  void enqueuesEachDueTickOnceOnTheSchedulesKey() {
    ManualClock clock = new ManualClock(START);
    CronEnqueuer cron = cron(clock, CronJob.of("sweep", "rate(5 minutes)", "sweep.run"));

    List<EnqueueResult> first = cron.enqueueDue();
    assertThat(first)
        .extracting(EnqueueResult::jobId)
        .containsExactly("cron:sweep:2026-11-26T12:05:00Z");
    assertThat(first.get(0).key()).isEqualTo("cron:sweep");
    JobEnvelope sent = JobEnvelope.parse(sqs.stored().get(0).messageBody());
    assertThat(sent.type()).isEqualTo("sweep.run");
    assertThat(sent.jobId()).isEqualTo("cron:sweep:2026-11-26T12:05:00Z");

    assertThat(cron.enqueueDue()).as("nothing new is due").isEmpty();
    clock.advance(Duration.ofMinutes(2).plusSeconds(30));
    assertThat(cron.enqueueDue())
        .extracting(EnqueueResult::jobId)
        .containsExactly("cron:sweep:2026-11-26T12:10:00Z");
    assertThat(sqs.sent()).isEqualTo(2);
  }

  @Test
  void ticksOlderThanTheCatchUpWindowAreSkippedRatherThanRiskedTwice() {
    ManualClock clock = new ManualClock(START);
    CronEnqueuer cron = cron(clock, CronJob.of("sweep", "rate(1 minute)", "sweep.run"));
    cron.enqueueDue();
    assertThat(storedJobIds()).hasSize(4).first().isEqualTo("cron:sweep:2026-11-26T12:04:00Z");

    clock.advance(Duration.ofMinutes(20)); // the leader was paused
    cron.enqueueDue();
    assertThat(storedJobIds())
        .endsWith(
            "cron:sweep:2026-11-26T12:24:00Z",
            "cron:sweep:2026-11-26T12:25:00Z",
            "cron:sweep:2026-11-26T12:26:00Z",
            "cron:sweep:2026-11-26T12:27:00Z")
        .doesNotContain("cron:sweep:2026-11-26T12:23:00Z")
        .hasSize(8);
  }

  @Test
  void twoLeadersAtOnceWithSkewedClocksEnqueueEveryTickExactlyOnce() {
    ManualClock fast = new ManualClock(START.plusSeconds(30));
    ManualClock slow = new ManualClock(START.minusSeconds(30));
    CronJob job = CronJob.of("sweep", "rate(1 minute)", "sweep.run");
    CronEnqueuer a = cron(fast, job);
    CronEnqueuer b = cron(slow, job);
    for (int i = 0; i < 120; i++) {
      a.enqueueDue();
      b.enqueueDue();
      fast.advance(Duration.ofSeconds(20));
      slow.advance(Duration.ofSeconds(20));
    }
    List<String> ids = storedJobIds();
    assertThat(ids).doesNotHaveDuplicates();
    List<String> expected = new ArrayList<>();
    for (Instant t = Instant.parse("2026-11-26T12:04:00Z");
        !t.isAfter(Instant.parse("2026-11-26T12:47:00Z"));
        t = t.plusSeconds(60)) {
      expected.add(CronJob.jobId("sweep", t));
    }
    // Two leaders at once may interleave ticks; each is there exactly once.
    assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(sqs.sent())
        .as("both leaders sent; deduplication kept one")
        .isGreaterThan(ids.size());
  }

  @Test
  void aTickThatFailedToEnqueueIsRetriedByTheNextCall() {
    ManualClock clock = new ManualClock(START);
    CronEnqueuer cron = cron(clock, CronJob.of("sweep", "rate(5 minutes)", "sweep.run"));
    sqs.failNextBatch();
    assertThatThrownBy(cron::enqueueDue)
        .isInstanceOf(EnqueueException.class)
        .hasMessageContaining("cron:sweep:2026-11-26T12:05:00Z");
    assertThat(cron.enqueueDue())
        .extracting(EnqueueResult::jobId)
        .containsExactly("cron:sweep:2026-11-26T12:05:00Z");
  }

  @Test
  void builderKeepsCatchUpInsideTheDeduplicationWindow() {
    ManualClock clock = new ManualClock(START);
    CronJob job = CronJob.of("sweep", "rate(5 minutes)", "sweep.run");
    Enqueuer enqueuer =
        Enqueuer.builder().sqs(sqs).queueUrl(FakeFifoSqs.QUEUE_URL).ring(HashRing.of(16)).build();
    assertThatThrownBy(
            () ->
                CronEnqueuer.builder()
                    .enqueuer(enqueuer)
                    .clock(clock)
                    .job(job)
                    .catchUp(Duration.ofMinutes(6))
                    .build())
        .hasMessage(
            "invalid CronEnqueuer setting catchUp: must be positive and at most 240s (SQS"
                + " deduplicates for 5 minutes), got 360s");
    assertThatThrownBy(() -> CronEnqueuer.builder().job(job).job(job))
        .hasMessage("cron job name sweep is used twice");
    assertThatThrownBy(() -> CronEnqueuer.builder().enqueuer(enqueuer).build())
        .hasMessage("invalid CronEnqueuer setting job: none given");
    assertThatThrownBy(() -> CronJob.of("bad name", "rate(5 minutes)", "t"))
        .hasMessageContaining("cron job name must be 1 to 64");
  }
}
