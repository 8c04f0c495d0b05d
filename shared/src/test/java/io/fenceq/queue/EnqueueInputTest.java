package io.fenceq.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.queue.EnqueuerTest.FakeSqs;
import io.fenceq.ring.HashRing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Bulk input that must be refused whole, and a key's order across SQS batches. */
class EnqueueInputTest {
  private static final String QUEUE = "https://sqs.test/000000000000/work.fifo";
  private final HashRing ring = HashRing.of(16);
  private final List<Duration> sleeps = new ArrayList<>();

  @Test
  void duplicateJobIdsInOneBulkEnqueueAreRefusedNamingBothIndexes() {
    FakeSqs sqs = new FakeSqs(FakeSqs::acceptAll);
    List<JobRequest> jobs =
        List.of(
            JobRequest.ofJson("a", "t", "{}").withJobId("order-1"),
            JobRequest.ofJson("b", "t", "{}").withJobId("order-2"),
            JobRequest.ofJson("c", "t", "{}").withJobId("order-1"));
    assertThatThrownBy(() -> enqueuer(sqs).enqueueAll(jobs))
        .isInstanceOfSatisfying(
            InvalidJobException.class,
            e -> {
              assertThat(e.field()).isEqualTo("jobId");
              assertThat(e.index()).hasValue(2);
            })
        .hasMessageContaining("index 0")
        .hasMessageContaining("index 2")
        .hasMessageContaining("order-1");
    assertThat(sqs.batches).isEmpty();
  }

  @Test
  void aKeyWithACharacterSqsRefusesIsRefusedAsTheKey() {
    for (String bad : List.of("sku\uFFFE", "sku\uFFFF")) {
      assertThatThrownBy(() -> JobRequest.ofJson(bad, "t", "{}"))
          .isInstanceOfSatisfying(
              InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("key"))
          .hasMessageContaining("U+FFF")
          .hasMessageContaining("index 3");
    }
  }

  @Test
  void aPayloadWithACharacterSqsRefusesIsRefusedAsThePayload() {
    assertThatThrownBy(() -> JobRequest.ofJson("a", "t", "{\"note\":\"x\uFFFF\"}"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("payload"))
        .hasMessageContaining("U+FFFF at index 1 of the string at payload.note");
    assertThatThrownBy(() -> JobRequest.ofJson("a", "t", "{\"n\uFFFE\":1}"))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("payload"))
        .hasMessageContaining("U+FFFE");
  }

  @Test
  void charactersSqsAcceptsStillPass() {
    // Control characters are escaped in the JSON body; astral characters are allowed by SQS.
    JobRequest job = JobRequest.ofJson("k\u0001\uD83D\uDE00\uFFFD", "t", "{\"s\":\"\\u0000\"}");
    FakeSqs sqs = new FakeSqs(FakeSqs::acceptAll);
    assertThat(enqueuer(sqs).enqueueAll(List.of(job)).allAccepted()).isTrue();
  }

  @Test
  void aKeyWhoseJobFailedForGoodSendsNoLaterJobInLaterBatches() {
    AtomicInteger call = new AtomicInteger();
    FakeSqs sqs =
        new FakeSqs(
            request ->
                call.getAndIncrement() == 0
                    // the first batch: job 1 (key a) refused by SQS, the rest accepted, among them
                    // jobs 3 to 9 of key a, which went in the same request
                    ? FakeSqs.respond(request, "ok", "Sender", "ok")
                    : FakeSqs.acceptAll(request));
    List<JobRequest> jobs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      jobs.add(JobRequest.ofJson(i % 2 == 0 ? "b" + i : "a", "t", "{\"n\":" + i + "}"));
    }
    BatchEnqueueResult result = enqueuer(sqs).enqueueAll(jobs);

    List<String> sentKeysAfterFirst =
        sqs.batches.stream()
            .skip(1)
            .flatMap(List::stream)
            .map(e -> JobEnvelope.parse(e.messageBody()).key())
            .toList();
    assertThat(sentKeysAfterFirst).isNotEmpty().doesNotContain("a");
    EnqueueFailure refused = result.failed().get(0);
    assertThat(refused.index()).isEqualTo(1);
    assertThat(result.failed()).hasSize(6);
    for (EnqueueFailure f : result.failed().subList(1, result.failed().size())) {
      assertThat(f.key()).isEqualTo("a");
      assertThat(f.code()).isEqualTo("NotSent");
      assertThat(f.reason()).contains(refused.jobId()).contains("index 1");
    }
    assertThat(result.accepted()).hasSize(14);
  }

  @Test
  void aRetriedJobIsNotResentAfterAnEarlierJobOfItsKeyFailedForGood() {
    AtomicInteger call = new AtomicInteger();
    FakeSqs sqs =
        new FakeSqs(
            request ->
                call.getAndIncrement() == 0
                    ? FakeSqs.respond(request, "Sender", "InternalError")
                    : FakeSqs.acceptAll(request));
    List<JobRequest> jobs =
        List.of(JobRequest.ofJson("a", "t", "{}"), JobRequest.ofJson("a", "t", "{}"));
    BatchEnqueueResult result = enqueuer(sqs).enqueueAll(jobs);
    assertThat(sqs.batches).hasSize(1);
    assertThat(result.failed())
        .extracting(EnqueueFailure::code)
        .containsExactly("Sender", "NotSent");
  }

  private Enqueuer enqueuer(FakeSqs sqs) {
    return Enqueuer.builder()
        .sqs(sqs)
        .queueUrl(QUEUE)
        .ring(ring)
        .entryAttempts(3)
        .sleeper(sleeps::add)
        .build();
  }
}
