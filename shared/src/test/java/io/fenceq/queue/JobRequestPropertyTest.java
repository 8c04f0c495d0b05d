package io.fenceq.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.queue.EnqueuerTest.FakeSqs;
import io.fenceq.queue.internal.SqsText;
import io.fenceq.ring.HashRing;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Whatever a caller passes, a job is either accepted whole, with a body SQS takes, or refused
 * before anything is sent, naming a field and why in one line.
 */
class JobRequestPropertyTest {
  private static final Set<String> FIELDS = Set.of("key", "type", "payload", "jobId");

  @Property(tries = 2000)
  void aJobIsAcceptedWholeOrRefusedNamingAField(
      @ForAll("text") String key,
      @ForAll("text") String type,
      @ForAll("text") String payloadText,
      @ForAll("text") String jobId) {
    JobRequest job;
    try {
      job = new JobRequest(key, type, payload(payloadText), jobId.isEmpty() ? null : jobId);
    } catch (InvalidJobException e) {
      assertOneLineRefusal(e);
      return;
    }
    String body = JobEnvelope.of(job, "id-1", java.time.Instant.EPOCH).toJson();
    assertThat(SqsText.problem(body)).isNull();
    assertThat(JobEnvelope.parse(body).key()).isEqualTo(key);
  }

  @Property(tries = 300)
  void aBulkEnqueueIsSentWholeOrNotAtAll(
      @ForAll @Size(min = 1, max = 25) List<@net.jqwik.api.From("job") Spec> specs) {
    FakeSqs sqs = new FakeSqs(FakeSqs::acceptAll);
    Enqueuer enqueuer =
        Enqueuer.builder()
            .sqs(sqs)
            .queueUrl("https://sqs.test/1/q.fifo")
            .ring(HashRing.of(8))
            .build();
    List<JobRequest> jobs = new ArrayList<>();
    for (Spec s : specs) {
      try {
        jobs.add(new JobRequest(s.key, "t", payload(s.payload), s.jobId));
      } catch (InvalidJobException e) {
        assertOneLineRefusal(e);
      }
    }
    BatchEnqueueResult result;
    try {
      result = enqueuer.enqueueAll(jobs);
    } catch (InvalidJobException e) {
      assertOneLineRefusal(e);
      assertThat(e.index()).isPresent();
      assertThat(sqs.batches).isEmpty();
      return;
    }
    assertThat(result.accepted()).hasSize(jobs.size());
    assertThat(sqs.batches.stream().mapToInt(List::size).sum()).isEqualTo(jobs.size());
    sqs.batches.stream()
        .flatMap(List::stream)
        .forEach(e -> assertThat(SqsText.problem(e.messageBody())).isNull());
  }

  record Spec(String key, String payload, String jobId) {}

  @Provide
  Arbitrary<Spec> job() {
    Arbitrary<String> ids = Arbitraries.of("a", "b", "c", "d", "e", "f", "g", "h");
    return net.jqwik.api.Combinators.combine(
            Arbitraries.oneOf(Arbitraries.of("k1", "k2", "k3"), text()),
            text(),
            Arbitraries.oneOf(ids, Arbitraries.just(null)))
        .as(Spec::new);
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(12),
        Arbitraries.strings().alpha().numeric().withChars("-_:").ofMinLength(1).ofMaxLength(12),
        Arbitraries.strings()
            .withChars("a \t\n\r\u0000\u0085\u00a0\uFFFD\uFFFE\uFFFF\uD800\uDC00\uD83D\uDE00")
            .ofMaxLength(6));
  }

  /** A payload holding the text both as a string value and as a member name. */
  private static JsonNode payload(String text) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("s", text);
    node.putObject("nested").put(text, 1);
    return node;
  }

  private static void assertOneLineRefusal(InvalidJobException e) {
    assertThat(FIELDS).contains(e.field());
    assertThat(e.getMessage()).contains(e.field() + ": ").doesNotContain("\n", "\r");
  }
}
