package io.fenceq.dlq;

import io.fenceq.aws.AwsErrors;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.LeaseSnapshot;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.MalformedJobException;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Finds the keys whose jobs may still be on the work queue, where a redrive would put their
 * dead-lettered jobs behind later ones. Conservative: a key is clear only when nothing on the work
 * queue can be one of its jobs.
 *
 * <ul>
 *   <li>Visible jobs are read like the dead-letter queue (held briefly, given back with visibility
 *       0): a key with a job there is refused, and so is a key whose lane has other jobs there,
 *       because SQS shows only the head of each lane and the key's jobs may be behind it.
 *   <li>Jobs in flight cannot be read at all. A consumer working on them holds its lane's lease, so
 *       with the lease table the lanes are known: a key whose lane is leased is refused. Without
 *       it, jobs in flight refuse every key.
 * </ul>
 */
final class WorkQueueCheck {
  private final SqsClient sqs;
  private final String queueUrl;
  private final HashRing ring;
  private final LeaseTableReader leases;
  private final Duration visibility;
  private final Duration wait;
  private final int maxMessages;
  private final Consumer<DeadLetterProgress> progress;

  WorkQueueCheck(
      SqsClient sqs,
      String queueUrl,
      HashRing ring,
      LeaseTableReader leases,
      Duration visibility,
      Duration wait,
      int maxMessages,
      Consumer<DeadLetterProgress> progress) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.ring = ring;
    this.leases = leases;
    this.visibility = visibility;
    this.wait = wait;
    this.maxMessages = maxMessages;
    this.progress = progress;
  }

  /**
   * Why each of {@code keys} that may have jobs on the work queue is refused; clear keys absent.
   */
  Map<String, String> conflicts(Collection<String> keys) {
    Map<String, String> refused = new LinkedHashMap<>();
    if (keys.isEmpty()) {
      return refused;
    }
    Map<QueueAttributeName, String> counts = counts();
    long visible = number(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    long unreadable =
        number(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
            + number(counts, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
    Set<String> seenKeys = new HashSet<>();
    Set<String> seenLanes = new HashSet<>();
    if (visible > 0) {
      try (HeldMessages held =
          HeldMessages.read(sqs, queueUrl, visibility, wait, maxMessages, progress)) {
        for (Message m : held.messages()) {
          seenLanes.add(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
          try {
            seenKeys.add(JobEnvelope.parse(m.body()).key());
          } catch (MalformedJobException e) {
            // Not a job of any key; its lane is counted above.
          }
        }
      }
    }
    Set<String> leasedLanes = unreadable > 0 && leases != null ? leasedLanes() : Set.of();
    for (String key : keys) {
      Lane lane = ring.laneFor(key);
      if (seenKeys.contains(key)) {
        refused.put(key, "work queue " + queueUrl + " holds jobs of key " + key);
      } else if (seenLanes.contains(lane.id())) {
        refused.put(
            key,
            "work queue "
                + queueUrl
                + " holds jobs of "
                + lane.id()
                + ", the lane of key "
                + key
                + "; jobs of the key may be behind them");
      } else if (leasedLanes.contains(lane.id())) {
        refused.put(
            key,
            "a consumer holds the lease of "
                + lane.id()
                + ", the lane of key "
                + key
                + ", so jobs of the key may be in flight on work queue "
                + queueUrl);
      } else if (unreadable > 0 && leases == null) {
        refused.put(
            key,
            "work queue "
                + queueUrl
                + " has about "
                + unreadable
                + " jobs in flight, which cannot be read; give the lease table to tell their"
                + " lanes");
      }
    }
    return refused;
  }

  private Set<String> leasedLanes() {
    Map<String, String> byLeaseId =
        ring.lanes().stream().collect(Collectors.toMap(LaneLeases::leaseId, Lane::id));
    Set<String> lanes = new HashSet<>();
    for (LeaseSnapshot lease : leases.list()) {
      String lane = byLeaseId.get(lease.id());
      if (lane != null && lease.held()) {
        lanes.add(lane);
      }
    }
    return lanes;
  }

  private Map<QueueAttributeName, String> counts() {
    try {
      return sqs.getQueueAttributes(
              r ->
                  r.queueUrl(queueUrl)
                      .attributeNames(
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
          .attributes();
    } catch (SdkException e) {
      throw new DeadLetterQueueException(
          "could not read the message counts of work queue "
              + queueUrl
              + ": "
              + AwsErrors.code(e)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static long number(Map<QueueAttributeName, String> counts, QueueAttributeName name) {
    String value = counts.get(name);
    return value == null ? 0 : Long.parseLong(value);
  }
}
