package io.fenceq.functions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.queue.JobRequest;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any request body is read whole into jobs or refused with a {@link BadRequestException} that names
 * a field and says why in one line; no other exception escapes, so the API never answers 5xx for
 * what a client sent.
 */
class JobRequestReaderPropertyTest {
  @Property(tries = 3000)
  void anyJobBodyIsReadWholeOrRefusedNamingAField(@ForAll("bodies") String body) {
    try {
      JobRequest job = JobRequestReader.one(body);
      assertThat(job.key()).isNotBlank();
    } catch (BadRequestException e) {
      assertOneLineRefusal(e);
    }
  }

  @Property(tries = 3000)
  void anyBatchBodyIsReadWholeOrRefusedNamingAField(@ForAll("batches") String body) {
    try {
      List<JobRequest> jobs = JobRequestReader.batch(body);
      assertThat(jobs).hasSizeBetween(1, JobRequestReader.MAX_BATCH_JOBS);
    } catch (BadRequestException e) {
      assertOneLineRefusal(e);
    }
  }

  private static void assertOneLineRefusal(BadRequestException e) {
    assertThat(e.field()).isNotBlank();
    assertThat(e.detail()).startsWith(e.field() + " ").doesNotContain("\n", "\r");
  }

  @Provide
  Arbitrary<String> bodies() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        job(),
        job().map(JobRequestReaderPropertyTest::cut));
  }

  @Provide
  Arbitrary<String> batches() {
    Arbitrary<String> batch =
        job().list().ofMaxSize(12).map(jobs -> "{\"jobs\":[" + String.join(",", jobs) + "]}");
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        batch,
        batch.map(JobRequestReaderPropertyTest::cut),
        job());
  }

  /** A job object: known and unknown members, values of every JSON kind, members repeated. */
  private static Arbitrary<String> job() {
    Arbitrary<String> name =
        Arbitraries.oneOf(
            Arbitraries.of("key", "type", "payload", "jobId", "key", "type"),
            Arbitraries.strings().all().ofMaxLength(4).map(JobRequestReaderPropertyTest::quote));
    Arbitrary<String> member =
        net.jqwik.api.Combinators.combine(name, value())
            .as((n, v) -> (n.startsWith("\"") ? n : quote(n)) + ":" + v);
    return member.list().ofMaxSize(6).map(members -> "{" + String.join(",", members) + "}");
  }

  private static Arbitrary<String> value() {
    Arbitrary<String> text =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(10),
            Arbitraries.strings().alpha().numeric().withChars(" -:").ofMinLength(1).ofMaxLength(8),
            Arbitraries.strings()
                .withChars(" \t\n\u0000\u0085\u00a0\uFFFD\uFFFE\uFFFF\uD800\uDC00")
                .ofMaxLength(4));
    return Arbitraries.oneOf(
        text.map(JobRequestReaderPropertyTest::quote),
        Arbitraries.of("null", "true", "1", "-0.5e400", "[]", "{}", "[1,{\"a\":1,\"a\":2}]"),
        text.map(t -> "{" + quote(t) + ":" + quote(t) + "}"));
  }

  /**
   * A JSON string literal, escaping only what JSON requires, so odd characters reach the reader.
   */
  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static String cut(String s) {
    return s.substring(0, s.length() / 2);
  }
}
