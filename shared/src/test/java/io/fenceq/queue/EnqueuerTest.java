package io.fenceq.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.HashRing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The enqueue rules that do not need a real queue: validation, batching and entry retries. */
class EnqueuerTest {
  private static final String QUEUE = "https://sqs.test/000000000000/work.fifo";
  private final HashRing ring = HashRing.of(16);
  private final List<Duration> sleeps = new ArrayList<>();

  @Test
  void sendsEveryJobOfABulkEnqueueInOrderInBatchesOfTen() {
    FakeSqs sqs = new FakeSqs(FakeSqs::acceptAll);
    List<JobRequest> jobs = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      jobs.add(JobRequest.ofJson("key-" + (i % 3), "t", "{\"n\":" + i + "}"));
    }
    BatchEnqueueResult result = enqueuer(sqs).enqueueAll(jobs);

    assertThat(result.allAccepted()).isTrue();
    assertThat(sqs.batches).extracting(List::size).containsExactly(10, 10, 5);
    List<SendMessageBatchRequestEntry> sent = sqs.batches.stream().flatMap(List::stream).toList();
    for (int i = 0; i < 25; i++) {
      SendMessageBatchRequestEntry entry = sent.get(i);
      assertThat(JobEnvelope.parse(entry.messageBody()).payload().get("n").asInt()).isEqualTo(i);
      assertThat(entry.messageGroupId()).isEqualTo(ring.laneFor("key-" + (i % 3)).id());
      assertThat(entry.messageDeduplicationId()).isEqualTo(result.accepted().get(i).jobId());
      assertThat(entry.messageAttributes().get(Enqueuer.RING_ATTRIBUTE).stringValue())
          .isEqualTo(ring.descriptor());
    }
  }

  @Test
  void retriesServerSideEntryFailuresButNeverReordersAKey() {
    AtomicInteger call = new AtomicInteger();
    FakeSqs sqs =
        new FakeSqs(
            request -> {
              if (call.getAndIncrement() > 0) {
                return FakeSqs.acceptAll(request);
              }
              // a ok, b fails on SQS's side, a fails on SQS's side, a ok, c refused (sender fault)
              return FakeSqs.respond(
                  request, "ok", "InternalError", "InternalError", "ok", "Sender");
            });
    List<JobRequest> jobs =
        List.of(
            JobRequest.ofJson("a", "t", "{}"),
            JobRequest.ofJson("b", "t", "{}"),
            JobRequest.ofJson("a", "t", "{}"),
            JobRequest.ofJson("a", "t", "{}"),
            JobRequest.ofJson("c", "t", "{}"));

    BatchEnqueueResult result = enqueuer(sqs).enqueueAll(jobs);

    assertThat(result.accepted()).extracting(EnqueueResult::key).containsExactly("a", "b", "a");
    assertThat(result.failed()).extracting(EnqueueFailure::index).containsExactly(2, 4);
    assertThat(result.failed().get(0).code()).isEqualTo("OrderHazard");
    assertThat(result.failed().get(1).code()).isEqualTo("Sender");
    // Only b was sent again, once, after one backoff.
    assertThat(sqs.batches).hasSize(2);
    assertThat(sqs.batches.get(1))
        .extracting(e -> JobEnvelope.parse(e.messageBody()).key())
        .containsExactly("b");
    assertThat(sqs.batches.get(1).get(0).messageDeduplicationId())
        .isEqualTo(sqs.batches.get(0).get(1).messageDeduplicationId());
    assertThat(sleeps).hasSize(1);
    assertThatThrownBy(result::requireAllAccepted)
        .isInstanceOf(EnqueueException.class)
        .hasMessageContaining("2 of 5 jobs were not enqueued")
        .hasMessageContaining("OrderHazard");
  }

  @Test
  void givesUpOnAnEntryAfterTheConfiguredAttempts() {
    FakeSqs sqs = new FakeSqs(request -> FakeSqs.respond(request, "InternalError"));
    BatchEnqueueResult result =
        enqueuer(sqs).enqueueAll(List.of(JobRequest.ofJson("a", "t", "{}")));
    assertThat(sqs.batches).hasSize(3);
    assertThat(sleeps).hasSize(2);
    assertThat(result.failed())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.code()).isEqualTo("InternalError");
              assertThat(f.reason()).contains("after 3 attempts");
            });
  }

  @Test
  void aFailedRequestStopsTheRestAndReportsEveryJob() {
    AtomicInteger call = new AtomicInteger();
    FakeSqs sqs =
        new FakeSqs(
            request -> {
              if (call.getAndIncrement() == 1) {
                throw SqsException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder().errorCode("ThrottlingException").build())
                    .message("Rate exceeded")
                    .build();
              }
              return FakeSqs.acceptAll(request);
            });
    List<JobRequest> jobs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      jobs.add(JobRequest.ofJson("k" + i, "t", "{}"));
    }
    BatchEnqueueResult result = enqueuer(sqs).enqueueAll(jobs);
    assertThat(result.accepted()).hasSize(10);
    assertThat(result.failed()).hasSize(20);
    assertThat(result.failed().get(0).code()).isEqualTo("ThrottlingException");
    assertThat(result.failed().get(0).reason()).contains("throttled").contains(QUEUE);
    assertThat(result.failed().get(19).code()).isEqualTo("NotSent");
    assertThat(sqs.batches).hasSize(2);
  }

  @Test
  void refusesAnInvalidJobBeforeSendingAnythingOfTheBatch() {
    FakeSqs sqs = new FakeSqs(FakeSqs::acceptAll);
    String tooBig = "\"" + "x".repeat(262_144) + "\"";
    List<JobRequest> jobs =
        List.of(JobRequest.ofJson("a", "t", "{}"), JobRequest.ofJson("b", "t", tooBig));
    assertThatThrownBy(() -> enqueuer(sqs).enqueueAll(jobs))
        .isInstanceOfSatisfying(
            InvalidJobException.class, e -> assertThat(e.field()).isEqualTo("payload"))
        .hasMessageContaining("job at index 1")
        .hasMessageContaining("more than the 262144 bytes queue " + QUEUE);
    assertThat(sqs.batches).isEmpty();
  }

  @Test
  void stampsTheInjectedClockAndGeneratedIds() {
    FakeSqs sqs = new FakeSqs(FakeSqs::acceptAll);
    AtomicInteger ids = new AtomicInteger();
    Enqueuer enqueuer =
        Enqueuer.builder()
            .sqs(sqs)
            .queueUrl(QUEUE)
            .ring(ring)
            .clock(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))
            .jobIds(() -> "id-" + ids.incrementAndGet())
            .build();
    enqueuer.enqueueAll(List.of(JobRequest.ofJson("a", "t", "{}")));
    JobEnvelope sent = JobEnvelope.parse(sqs.batches.get(0).get(0).messageBody());
    assertThat(sent.jobId()).isEqualTo("id-1");
    assertThat(sent.enqueuedAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
  }

  @Test
  void aMissingQueueFailsAtBuildNamingTheQueue() {
    FakeSqs sqs = new FakeSqs(FakeSqs::acceptAll);
    sqs.missing = true;
    assertThatThrownBy(() -> enqueuer(sqs))
        .isInstanceOf(QueueNotFoundException.class)
        .hasMessageContaining(QUEUE)
        .hasMessageContaining("does not exist");
  }

  @Test
  void aStandardQueueIsRefused() {
    FakeSqs sqs = new FakeSqs(FakeSqs::acceptAll);
    sqs.fifo = false;
    assertThatThrownBy(() -> enqueuer(sqs)).hasMessageContaining("is not a FIFO queue");
  }

  @Test
  void builderNamesTheBadSetting() {
    assertThatThrownBy(
            () -> Enqueuer.builder().sqs(new FakeSqs(FakeSqs::acceptAll)).ring(ring).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queueUrl");
    assertThatThrownBy(
            () ->
                Enqueuer.builder()
                    .sqs(new FakeSqs(FakeSqs::acceptAll))
                    .queueUrl(QUEUE)
                    .ring(ring)
                    .entryAttempts(0)
                    .build())
        .hasMessageContaining("entryAttempts: 0");
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

  /** An SQS client whose batch answers a test scripts. */
  static final class FakeSqs implements SqsClient {
    final List<List<SendMessageBatchRequestEntry>> batches = new ArrayList<>();
    final Function<SendMessageBatchRequest, SendMessageBatchResponse> script;
    boolean missing;
    boolean fifo = true;

    FakeSqs(Function<SendMessageBatchRequest, SendMessageBatchResponse> script) {
      this.script = script;
    }

    static SendMessageBatchResponse acceptAll(SendMessageBatchRequest request) {
      return respond(request, request.entries().stream().map(e -> "ok").toArray(String[]::new));
    }

    /** One outcome per entry: "ok", "Sender" (a sender fault), or a server-side error code. */
    static SendMessageBatchResponse respond(SendMessageBatchRequest request, String... outcomes) {
      List<SendMessageBatchResultEntry> ok = new ArrayList<>();
      List<BatchResultErrorEntry> failed = new ArrayList<>();
      for (int i = 0; i < request.entries().size(); i++) {
        String id = request.entries().get(i).id();
        String outcome = outcomes[Math.min(i, outcomes.length - 1)];
        if (outcome.equals("ok")) {
          ok.add(
              SendMessageBatchResultEntry.builder()
                  .id(id)
                  .messageId("m-" + id)
                  .sequenceNumber(Integer.toString(1000 + i))
                  .build());
        } else {
          failed.add(
              BatchResultErrorEntry.builder()
                  .id(id)
                  .code(outcome)
                  .senderFault(outcome.equals("Sender"))
                  .message("scripted " + outcome)
                  .build());
        }
      }
      return SendMessageBatchResponse.builder().successful(ok).failed(failed).build();
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
      if (missing) {
        throw QueueDoesNotExistException.builder().message("no such queue").build();
      }
      return GetQueueAttributesResponse.builder()
          .attributes(
              Map.of(
                  QueueAttributeName.FIFO_QUEUE,
                  Boolean.toString(fifo),
                  QueueAttributeName.MAXIMUM_MESSAGE_SIZE,
                  "262144"))
          .build();
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
      batches.add(List.copyOf(request.entries()));
      return script.apply(request);
    }

    @Override
    public String serviceName() {
      return "sqs";
    }

    @Override
    public void close() {}
  }
}
