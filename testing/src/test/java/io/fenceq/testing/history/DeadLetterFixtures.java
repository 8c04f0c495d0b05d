package io.fenceq.testing.history;

import io.fenceq.dlq.DeadLetter;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import java.time.Instant;
import java.util.Map;

/** Dead letters as the dead-letter queue would hold them. */
final class DeadLetterFixtures {
  private DeadLetterFixtures() {}

  static DeadLetter deadLetter(String jobId, String key, String reason) {
    JobEnvelope envelope =
        JobEnvelope.of(
            JobRequest.ofJson(key, "order", "{}").withJobId(jobId), jobId, Instant.EPOCH);
    return new DeadLetter(
        "m-" + jobId,
        "lane-0000",
        "1",
        "{}",
        Map.of(DeadLetter.REASON_ATTRIBUTE, reason),
        envelope,
        null);
  }
}
