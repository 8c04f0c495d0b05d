package io.fenceq.dlq;

import io.fenceq.aws.AwsErrors;
import io.fenceq.internal.Require;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.reshard.RingEpochSource;
import io.fenceq.ring.HashRing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The operations on a fenceq dead-letter queue: {@link #list()}, {@link #inspect(String)}, {@link
 * #redrive(DeadLetterSelection, boolean, boolean)} and {@link #purge(DeadLetterSelection,
 * boolean)}.
 *
 * <p><b>Reading.</b> A FIFO queue is read by receiving, which puts what was received in flight.
 * Every operation holds what it received for {@link Builder#readVisibility(Duration)} and gives
 * back what it did not delete with visibility 0 before it returns. SQS delivers no later message of
 * a group (a lane) while an earlier one is in flight, so one read sees the head of every lane; a
 * redrive or purge, which deletes the heads, reads again until nothing more of its selection comes.
 *
 * <p><b>Redrive.</b> Each job goes back to the work queue on its key's lane by the current ring
 * (stamped with that ring), keys' jobs in enqueue order, and its dead-letter copy is deleted only
 * after the send succeeded. The send's deduplication id is derived from the dead-letter message id,
 * not the job id: SQS would drop a resend under the job id within five minutes of the original
 * enqueue, and the copy would then be deleted with the job never run. A crash between send and
 * delete leaves the copy; the next redrive sends it under the same deduplication id, which SQS
 * drops within five minutes. After that, the job runs again under its same job id ({@code
 * Job.jobId()}), where a handler that records job ids can recognize it.
 *
 * <p>Thread-safe as far as SQS is; two operations on one queue at once see each other's held
 * messages as in flight. The clients belong to the caller.
 */
public final class DeadLetters {

  private final SqsClient sqs;
  private final String deadLetterQueueUrl;
  private final String workQueueUrl;
  private final HashRing ring;
  private final LeaseTableReader leases;
  private final RingEpochSource ringEpochs;
  private final Duration readVisibility;
  private final Duration receiveWait;
  private final int maxMessages;
  private final Consumer<DeadLetterProgress> progress;

  private DeadLetters(Builder b) {
    this.sqs = b.sqs;
    this.deadLetterQueueUrl = b.deadLetterQueueUrl;
    this.workQueueUrl = b.workQueueUrl;
    this.ring = b.ring;
    this.leases = b.leases;
    this.ringEpochs = b.ringEpochs;
    this.readVisibility = b.readVisibility;
    this.receiveWait = b.receiveWait;
    this.maxMessages = b.maxMessages;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The dead-letter queue. */
  public String deadLetterQueueUrl() {
    return deadLetterQueueUrl;
  }

  /**
   * The jobs at the head of every lane of the dead-letter queue (up to ten a lane, as SQS returns
   * them), by lane and then in queue order. Jobs behind them in their lane are not readable without
   * deleting the ones before; {@link #approximateCount()} tells whether there are any.
   */
  public List<DeadLetter> list() {
    try (HeldMessages held = read()) {
      List<DeadLetter> jobs =
          new ArrayList<>(held.messages().stream().map(DeadLetters::of).toList());
      jobs.sort(Comparator.comparing(DeadLetter::group).thenComparing(BY_SEQUENCE));
      return jobs;
    }
  }

  /** SQS's approximate count of messages in the dead-letter queue, visible and in flight. */
  public long approximateCount() {
    try {
      return sqs
          .getQueueAttributes(
              r ->
                  r.queueUrl(deadLetterQueueUrl)
                      .attributeNames(
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
          .attributes()
          .values()
          .stream()
          .mapToLong(Long::parseLong)
          .sum();
    } catch (SdkException e) {
      throw failure("could not read the message count of dead-letter queue", e);
    }
  }

  /** The job with this id (or a malformed one by its bracketed message id), if it is readable. */
  public Optional<DeadLetter> inspect(String jobId) {
    return list().stream().filter(j -> j.jobId().equals(jobId)).findFirst();
  }

  /**
   * Sends the selected jobs back to the work queue; see the class comment for the order and the
   * guarantees. A key with jobs that may still be on the work queue, visible or in flight, is
   * refused and left in the dead-letter queue, unless {@code force}: redriving it would run its
   * dead-lettered jobs after later ones. After a failed send or delete, the key's later jobs stay
   * in the dead-letter queue too.
   *
   * @param dryRun read and check only: report what would be redriven (the head of each lane; a lane
   *     with more is redriven further as its heads go), send and delete nothing
   * @param force redrive keys that may still have jobs on the work queue
   * @throws IllegalArgumentException if no work queue or ring was configured
   */
  public RedriveReport redrive(DeadLetterSelection selection, boolean dryRun, boolean force) {
    Require.rule(workQueueUrl != null, "DeadLetters", "workQueueUrl", "is needed to redrive", null);
    Require.rule(ring != null, "DeadLetters", "ring", "is needed to redrive", null);
    HashRing current = ring;
    long epoch = -1;
    if (ringEpochs != null) {
      RingEpoch now = ringEpochs.read();
      if (now.resharding()) {
        throw new DeadLetterQueueException(
            "not redriving from "
                + deadLetterQueueUrl
                + ": a reshard from "
                + now.previousLanes()
                + " to "
                + now.lanes()
                + " lanes (epoch "
                + now.epoch()
                + ") still waits for "
                + now.pending().size()
                + " old lanes' barriers; redrive once it has finished",
            null);
      }
      current = ring.laneCount() == now.lanes() ? ring : ring.withLanes(now.lanes());
      epoch = now.epoch();
    }
    WorkQueueCheck check =
        new WorkQueueCheck(
            sqs, workQueueUrl, current, leases, readVisibility, receiveWait, maxMessages, progress);
    return new Redrive(
            sqs, deadLetterQueueUrl, workQueueUrl, current, epoch, this::read, check, progress)
        .run(selection, dryRun, force);
  }

  /**
   * Deletes the selected jobs from the dead-letter queue.
   *
   * @param dryRun read only: report what would be deleted (the head of each lane)
   */
  public PurgeReport purge(DeadLetterSelection selection, boolean dryRun) {
    List<DeadLetter> purged = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    Set<String> failedIds = new HashSet<>();
    boolean more = true;
    while (more) {
      more = false;
      try (HeldMessages held = read()) {
        for (Message m : held.messages()) {
          DeadLetter job = of(m);
          if (!selection.matches(job) || failedIds.contains(m.messageId())) {
            continue;
          }
          if (dryRun) {
            purged.add(job);
            continue;
          }
          try {
            held.delete(m);
            purged.add(job);
            more = true;
            progress.accept(new DeadLetterProgress("purging", deadLetterQueueUrl, purged.size()));
          } catch (SdkException e) {
            failedIds.add(m.messageId());
            failed.add(
                describe("could not delete from dead-letter queue " + deadLetterQueueUrl, job, e));
          }
        }
      }
    }
    return new PurgeReport(dryRun, purged, failed);
  }

  HeldMessages read() {
    return HeldMessages.read(
        sqs, deadLetterQueueUrl, readVisibility, receiveWait, maxMessages, progress);
  }

  /** The dead-lettered job a received message holds. */
  static DeadLetter of(Message m) {
    Map<String, String> attributes = new LinkedHashMap<>();
    m.messageAttributes()
        .forEach(
            (name, value) -> {
              if (value.stringValue() != null) {
                attributes.put(name, value.stringValue());
              }
            });
    return DeadLetter.of(
        m.messageId(),
        m.attributes().getOrDefault(MessageSystemAttributeName.MESSAGE_GROUP_ID, ""),
        m.attributes().getOrDefault(MessageSystemAttributeName.SEQUENCE_NUMBER, ""),
        m.body(),
        attributes);
  }

  /** {@code what} failed on {@code job}: one line naming the job, its key and the error. */
  static String describe(String what, DeadLetter job, SdkException e) {
    return what
        + " job "
        + job.jobId()
        + job.key().map(k -> " of key " + k).orElse("")
        + ": "
        + AwsErrors.code(e)
        + ": "
        + e.getMessage();
  }

  private DeadLetterQueueException failure(String what, SdkException e) {
    return new DeadLetterQueueException(
        what + " " + deadLetterQueueUrl + ": " + AwsErrors.code(e) + ": " + e.getMessage(), e);
  }

  /** SQS sequence numbers are decimal strings of up to 128 bits: longer is larger. */
  static final Comparator<DeadLetter> BY_SEQUENCE =
      Comparator.comparing((DeadLetter j) -> j.sequenceNumber().length())
          .thenComparing(DeadLetter::sequenceNumber);

  /**
   * Configures {@link DeadLetters}. {@link #build()} does no I/O: a wrong queue fails the first
   * operation with one line naming it.
   */
  public static final class Builder {
    private SqsClient sqs;
    private String deadLetterQueueUrl;
    private String workQueueUrl;
    private HashRing ring;
    private LeaseTableReader leases;
    private RingEpochSource ringEpochs;
    private Duration readVisibility = Duration.ofSeconds(30);
    private Duration receiveWait = Duration.ofSeconds(1);
    private int maxMessages = 10_000;
    private Consumer<DeadLetterProgress> progress = p -> {};

    private Builder() {}

    /** The SQS client; the caller closes it. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** The FIFO dead-letter queue (required). */
    public Builder deadLetterQueueUrl(String deadLetterQueueUrl) {
      this.deadLetterQueueUrl = deadLetterQueueUrl;
      return this;
    }

    /** The FIFO work queue a redrive sends to and checks (required to redrive). */
    public Builder workQueueUrl(String workQueueUrl) {
      this.workQueueUrl = workQueueUrl;
      return this;
    }

    /** The producers' ring, which picks a redriven job's lane (required to redrive). */
    public Builder ring(HashRing ring) {
      this.ring = ring;
      return this;
    }

    /**
     * Where the ring's epoch is read (the lease table's {@code ring#config}, e.g. a {@link
     * io.fenceq.reshard.RingConfigTable}): a redrive then routes by the current epoch's lane count
     * and stamps its epoch, and refuses while a reshard still waits for barriers. Without it the
     * configured {@link Builder#ring ring} is used and the producer's epoch stamp is kept.
     */
    public Builder ringEpochs(RingEpochSource ringEpochs) {
      this.ringEpochs = ringEpochs;
      return this;
    }

    /**
     * The lease table, which tells the lanes whose jobs are in flight on the work queue. Without
     * it, a redrive refuses every key while the work queue has jobs in flight.
     */
    public Builder leases(LeaseTableReader leases) {
      this.leases = leases;
      return this;
    }

    /**
     * How long a read holds what it received before SQS would give it back by itself (default 30
     * s); every read gives it back at once when done. Must outlast the operation's pass over what
     * it holds.
     */
    public Builder readVisibility(Duration readVisibility) {
      this.readVisibility = readVisibility;
      return this;
    }

    /**
     * Each receive's long poll (default 1 s, 0 to 20 s); a read ends at the first receive that
     * brings nothing new.
     */
    public Builder receiveWait(Duration receiveWait) {
      this.receiveWait = receiveWait;
      return this;
    }

    /** The most messages one read holds (default 10,000). */
    public Builder maxMessages(int maxMessages) {
      this.maxMessages = maxMessages;
      return this;
    }

    /** Told as a read, check, redrive or purge goes on; runs on the caller's thread. */
    public Builder progress(Consumer<DeadLetterProgress> progress) {
      this.progress = progress;
      return this;
    }

    public DeadLetters build() {
      Require.notNull(sqs, "DeadLetters", "sqs");
      Require.argument(
          deadLetterQueueUrl != null && !deadLetterQueueUrl.isBlank(),
          "DeadLetters",
          "deadLetterQueueUrl",
          deadLetterQueueUrl);
      Require.argument(
          workQueueUrl == null || !workQueueUrl.isBlank(),
          "DeadLetters",
          "workQueueUrl",
          workQueueUrl);
      Require.argument(
          readVisibility != null
              && readVisibility.toSeconds() >= 1
              && readVisibility.toSeconds() <= 43_200,
          "DeadLetters",
          "readVisibility",
          readVisibility);
      Require.argument(
          receiveWait != null && !receiveWait.isNegative() && receiveWait.toSeconds() <= 20,
          "DeadLetters",
          "receiveWait",
          receiveWait);
      Require.argument(maxMessages >= 1, "DeadLetters", "maxMessages", maxMessages);
      Require.notNull(progress, "DeadLetters", "progress");
      return new DeadLetters(this);
    }
  }
}
