package io.fenceq.dlq;

import io.fenceq.queue.Enqueuer;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * One run of {@link DeadLetters#redrive}: passes over the dead-letter queue until a pass sends
 * nothing, each pass checking the keys it has not seen before against the work queue, then sending
 * each key's jobs in enqueue order and deleting each copy after its send. See {@link DeadLetters}
 * for the guarantees.
 */
final class Redrive {
  /** Prefix of the deduplication id a redrive sends with. */
  static final String DEDUPLICATION_PREFIX = "redrive-";

  private static final Logger log = LoggerFactory.getLogger(Redrive.class);

  /** The engine's attributes, which describe the dead-letter copy, not the job. */
  private static final Set<String> DEAD_LETTER_ATTRIBUTES =
      Set.of(
          DeadLetter.REASON_ATTRIBUTE,
          DeadLetter.SOURCE_QUEUE_ATTRIBUTE,
          DeadLetter.SOURCE_MESSAGE_ID_ATTRIBUTE);

  private final SqsClient sqs;

  /** The ring epoch to stamp on redriven jobs; -1 keeps what the producer stamped. */
  private final long epoch;

  private final String deadLetterQueueUrl;
  private final String workQueueUrl;
  private final HashRing ring;
  private final Supplier<HeldMessages> read;
  private final WorkQueueCheck check;
  private final Consumer<DeadLetterProgress> progress;

  Redrive(
      SqsClient sqs,
      String deadLetterQueueUrl,
      String workQueueUrl,
      HashRing ring,
      long epoch,
      Supplier<HeldMessages> read,
      WorkQueueCheck check,
      Consumer<DeadLetterProgress> progress) {
    this.sqs = sqs;
    this.deadLetterQueueUrl = deadLetterQueueUrl;
    this.workQueueUrl = workQueueUrl;
    this.ring = ring;
    this.epoch = epoch;
    this.read = read;
    this.check = check;
    this.progress = progress;
  }

  RedriveReport run(DeadLetterSelection selection, boolean dryRun, boolean force) {
    Set<String> cleared = new HashSet<>();
    Map<String, RedriveReport.RefusedKey> refused = new LinkedHashMap<>();
    Set<String> stopped = new HashSet<>();
    Set<String> sentJobIds = new HashSet<>();
    Map<String, DeadLetter> unroutable = new LinkedHashMap<>();
    List<RedriveReport.Redriven> redriven = new ArrayList<>();
    List<RedriveReport.Failure> failed = new ArrayList<>();
    boolean more = true;
    while (more) {
      more = false;
      try (HeldMessages held = read.get()) {
        Map<String, List<Held>> byKey = new LinkedHashMap<>();
        for (Message m : held.messages()) {
          DeadLetter job = DeadLetters.of(m);
          if (!selection.matches(job) || sentJobIds.contains(job.jobId())) {
            continue; // not chosen, or dead-lettered again since this redrive sent it
          }
          if (job.key().isEmpty()) {
            unroutable.putIfAbsent(job.messageId(), job);
            continue;
          }
          String key = job.key().get();
          if (!refused.containsKey(key) && !stopped.contains(key)) {
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Held(m, job));
          }
        }
        List<String> unchecked = byKey.keySet().stream().filter(k -> !cleared.contains(k)).toList();
        if (!force) {
          progress.accept(new DeadLetterProgress("checking", workQueueUrl, unchecked.size()));
          check
              .conflicts(unchecked)
              .forEach(
                  (key, why) ->
                      refused.put(
                          key,
                          new RedriveReport.RefusedKey(
                              key, ring.laneFor(key).id(), byKey.remove(key).size(), why)));
        }
        cleared.addAll(byKey.keySet());
        for (Map.Entry<String, List<Held>> entry : byKey.entrySet()) {
          List<Held> jobs = entry.getValue();
          jobs.sort(ENQUEUE_ORDER);
          Lane lane = ring.laneFor(entry.getKey());
          for (Held job : jobs) {
            if (dryRun) {
              redriven.add(new RedriveReport.Redriven(job.job, lane.id(), null));
              continue;
            }
            RedriveReport.Failure failure = sendThenDelete(held, job, lane, redriven);
            if (failure != null) {
              failed.add(failure);
              stopped.add(entry.getKey());
              break;
            }
            sentJobIds.add(job.job.jobId());
            more = true;
            progress.accept(
                new DeadLetterProgress("redriving", deadLetterQueueUrl, redriven.size()));
          }
        }
      }
    }
    return new RedriveReport(
        dryRun, redriven, List.copyOf(refused.values()), failed, List.copyOf(unroutable.values()));
  }

  /** Sends one job, then deletes its copy; the failure, or null when both succeeded. */
  private RedriveReport.Failure sendThenDelete(
      HeldMessages held, Held job, Lane lane, List<RedriveReport.Redriven> redriven) {
    SendMessageResponse sent;
    try {
      sent =
          sqs.sendMessage(
              r ->
                  r.queueUrl(workQueueUrl)
                      .messageBody(job.message.body())
                      .messageGroupId(lane.id())
                      .messageDeduplicationId(deduplicationId(job.message.messageId()))
                      .messageAttributes(jobAttributes(job.message)));
    } catch (SdkException e) {
      return new RedriveReport.Failure(
          job.job,
          false,
          DeadLetters.describe("work queue " + workQueueUrl + " did not take", job.job, e));
    }
    log.info(
        "event=job_redriven queue={} deadLetterQueue={} lane={} key={} jobId={} seq={}",
        workQueueUrl,
        deadLetterQueueUrl,
        lane.id(),
        job.job.key().orElse(null),
        job.job.jobId(),
        sent.sequenceNumber());
    redriven.add(new RedriveReport.Redriven(job.job, lane.id(), sent.sequenceNumber()));
    try {
      held.delete(job.message);
    } catch (SdkException e) {
      return new RedriveReport.Failure(
          job.job,
          true,
          DeadLetters.describe(
              "sent to "
                  + workQueueUrl
                  + " but not deleted from dead-letter queue "
                  + deadLetterQueueUrl,
              job.job,
              e));
    }
    return null;
  }

  /**
   * The deduplication id of a redriven job: the same for every redrive of one dead-letter copy, so
   * that SQS drops a second send after a crash, and different from the job id, which the work queue
   * may still remember from the original enqueue.
   */
  static String deduplicationId(String deadLetterMessageId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(deadLetterMessageId.getBytes(StandardCharsets.UTF_8));
      return DEDUPLICATION_PREFIX + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The producer's attributes, with the current ring's stamp, without the engine's. */
  private Map<String, MessageAttributeValue> jobAttributes(Message m) {
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    m.messageAttributes()
        .forEach(
            (name, value) -> {
              if (!DEAD_LETTER_ATTRIBUTES.contains(name)) {
                attributes.put(name, value);
              }
            });
    attributes.put(
        Enqueuer.RING_ATTRIBUTE,
        MessageAttributeValue.builder().dataType("String").stringValue(ring.descriptor()).build());
    if (epoch >= 0) {
      // Routed by the current epoch's ring, so stamped with it: the old stamp would send the job
      // back to the dead-letter queue as an old epoch's job arriving after its barrier.
      attributes.remove(Enqueuer.EPOCH_ATTRIBUTE);
      if (epoch > 0) {
        attributes.put(
            Enqueuer.EPOCH_ATTRIBUTE,
            MessageAttributeValue.builder()
                .dataType("Number")
                .stringValue(Long.toString(epoch))
                .build());
      }
    }
    return attributes;
  }

  /** A key's jobs by enqueue time, ties (and clock steps) in dead-letter queue order. */
  private static final Comparator<Held> ENQUEUE_ORDER =
      Comparator.comparing((Held h) -> h.job.enqueuedAt().orElse(Instant.EPOCH))
          .thenComparing(h -> h.job, DeadLetters.BY_SEQUENCE);

  private record Held(Message message, DeadLetter job) {}
}
