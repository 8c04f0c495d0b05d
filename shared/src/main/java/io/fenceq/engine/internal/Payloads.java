package io.fenceq.engine.internal;

import io.fenceq.queue.LargePayloads;
import io.fenceq.queue.MalformedJobException;
import io.fenceq.queue.PayloadPointer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The envelope of a received message: its body, or the S3 object its body points to; and, once a
 * job succeeded and its message is deleted, the deletion of that object.
 *
 * <p>The message itself is never rewritten: its receipt handle stays the queue's, and a dead-letter
 * copy carries the pointer, whose object lives on until the bucket's lifecycle rule removes it.
 *
 * @param large the bucket, or null when this consumer has none
 */
public record Payloads(LargePayloads large) {
  private static final Logger log = LoggerFactory.getLogger(Payloads.class);

  /** A consumer without a large-payload bucket. */
  public static Payloads none() {
    return new Payloads(null);
  }

  /** The envelope can never be read: the job goes to the dead-letter queue with the reason. */
  static final class PayloadGone extends RuntimeException {
    PayloadGone(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** The envelope could not be read this time: the job goes back, uncounted. */
  static final class PayloadUnreachable extends RuntimeException {
    PayloadUnreachable(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /**
   * The envelope of {@code m}.
   *
   * @throws MalformedJobException if {@code m} is marked as offloaded but points nowhere
   * @throws PayloadGone if the object cannot be read by this consumer, ever
   * @throws PayloadUnreachable if S3 did not answer
   */
  String envelope(Message m) {
    Optional<PayloadPointer> pointer = PayloadPointer.of(m);
    if (pointer.isEmpty()) {
      return m.body();
    }
    PayloadPointer p = pointer.get();
    if (large == null) {
      throw new PayloadGone(
          "the job's envelope is in " + p + ", but this consumer has no large-payload bucket",
          null);
    }
    if (!large.accepts(p)) {
      throw new PayloadGone(
          "the job's envelope is in "
              + p
              + ", outside this consumer's large-payload bucket "
              + large.bucket(),
          null);
    }
    try {
      return large.read(p);
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw new PayloadGone("the job's envelope " + p + " is gone from S3", e);
    } catch (SdkException e) {
      throw new PayloadUnreachable("could not read the job's envelope " + p + ": " + e, e);
    }
  }

  /**
   * Deletes the objects of {@code succeeded}, jobs that succeeded, except those whose message could
   * not be deleted ({@code notDeleted}, message ids): their message comes back, and its envelope
   * must still be there. A failed delete is logged; the lifecycle rule removes the object.
   */
  void deleteAfterSuccess(List<Message> succeeded, Set<String> notDeleted, String queue) {
    if (large == null) {
      return;
    }
    for (Message m : succeeded) {
      if (notDeleted.contains(m.messageId())) {
        continue;
      }
      PayloadPointer p;
      try {
        p = PayloadPointer.of(m).orElse(null);
      } catch (MalformedJobException e) {
        continue;
      }
      if (p == null || !large.accepts(p)) {
        continue;
      }
      try {
        large.delete(p);
        log.debug(
            "event=payload_deleted queue={} messageId={} payload={}", queue, m.messageId(), p);
      } catch (SdkException e) {
        log.warn(
            "event=payload_delete_failed queue={} messageId={} payload={} error=\"{}\"",
            queue,
            m.messageId(),
            p,
            e.toString());
      }
    }
  }
}
