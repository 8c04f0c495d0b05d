package io.fenceq.reshard;

import io.fenceq.internal.Require;
import io.fenceq.queue.Enqueuer;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.ring.RingMove;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Changes a live queue's lane count: {@link #begin} writes the next epoch with every old lane
 * pending, the producers switch within their refresh interval, and after the grace period {@link
 * #sendBarriers} sends one barrier into each pending old lane; the reshard is over when every
 * barrier has passed ({@link #progress()}). {@link #start} does all three.
 *
 * <p>The grace period must be at least the producers' and consumers' epoch refresh interval plus
 * the longest enqueue call: a job sent under the old epoch after its lane's barrier would be
 * dead-lettered (never run out of order). Sending barriers again is safe: a barrier of a lane
 * already cleared changes nothing.
 */
public final class Resharding {
  /** The grace period unless set: twice the producers' default refresh interval. */
  public static final Duration DEFAULT_GRACE = Enqueuer.DEFAULT_EPOCH_REFRESH.multipliedBy(2);

  private static final Logger log = LoggerFactory.getLogger(Resharding.class);

  private final RingConfigTable table;
  private final SqsClient sqs;
  private final String queueUrl;
  private final Duration grace;
  private final Enqueuer.Sleeper sleeper;

  private Resharding(Builder b) {
    this.table = b.table;
    this.sqs = b.sqs;
    this.queueUrl = b.queueUrl;
    this.grace = b.grace;
    this.sleeper = b.sleeper;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The ring's epoch now (a strongly consistent read). */
  public RingEpoch progress() {
    return table.read();
  }

  /**
   * The fraction of keys whose lane changes from {@code before} to {@code lanes} lanes, measured on
   * {@code keys} synthetic keys, and the least any even placement must move.
   */
  public static RingMove predictedMove(HashRing before, int lanes, int keys) {
    return RingMove.between(before, before.withLanes(lanes), keys);
  }

  /**
   * Begins, waits the grace period and sends the barriers.
   *
   * @return the new epoch, its barriers sent
   * @throws ReshardException if a reshard is under way, the epoch moved, or a call failed
   */
  public RingEpoch start(int newLanes) {
    RingEpoch next = begin(newLanes);
    sleeper.sleep(grace);
    sendBarriers(next);
    return next;
  }

  /**
   * Writes the next epoch with {@code newLanes} lanes and every old lane pending.
   *
   * @throws ReshardException if a reshard is under way, the epoch moved, or DynamoDB failed
   */
  public RingEpoch begin(int newLanes) {
    RingEpoch next = table.start(table.read(), newLanes);
    log.info(
        "event=reshard_started queue={} epoch={} lanes={} previousLanes={}",
        queueUrl,
        next.epoch(),
        next.lanes(),
        next.previousLanes());
    return next;
  }

  /**
   * Sends one barrier into each old lane still pending in {@code epoch}, in batches of ten.
   *
   * @return how many barriers were sent
   * @throws ReshardException naming the lanes whose barrier SQS did not accept
   */
  public int sendBarriers(RingEpoch epoch) {
    List<Integer> lanes = new ArrayList<>(epoch.pending());
    List<String> failed = new ArrayList<>();
    MessageAttributeValue marker =
        MessageAttributeValue.builder()
            .dataType("Number")
            .stringValue(Long.toString(epoch.epoch()))
            .build();
    for (int from = 0; from < lanes.size(); from += Enqueuer.MAX_BATCH_ENTRIES) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < Math.min(lanes.size(), from + Enqueuer.MAX_BATCH_ENTRIES); i++) {
        String lane = new Lane(lanes.get(i)).id();
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .messageGroupId(lane)
                .messageDeduplicationId(Barriers.deduplicationId(epoch.epoch(), lane))
                .messageBody(Barriers.body(epoch.epoch(), lane))
                .messageAttributes(Map.of(Barriers.ATTRIBUTE, marker))
                .build());
      }
      try {
        SendMessageBatchResponse response =
            sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
        for (BatchResultErrorEntry e : response.failed()) {
          failed.add(new Lane(lanes.get(Integer.parseInt(e.id()))).id() + " (" + e.code() + ")");
        }
      } catch (SdkException e) {
        for (SendMessageBatchRequestEntry entry : entries) {
          failed.add(entry.messageGroupId() + " (" + e.getClass().getSimpleName() + ")");
        }
      }
    }
    if (!failed.isEmpty()) {
      throw new ReshardException(
          "queue "
              + queueUrl
              + " did not accept the barriers of "
              + failed
              + " into epoch "
              + epoch.epoch()
              + "; send them again (fenceq reshard --resume)");
    }
    log.info(
        "event=reshard_barriers_sent queue={} epoch={} barriers={}",
        queueUrl,
        epoch.epoch(),
        lanes.size());
    return lanes.size();
  }

  /** Configures a {@link Resharding}. Required: {@link #table}, {@link #sqs}, {@link #queueUrl}. */
  public static final class Builder {
    private RingConfigTable table;
    private SqsClient sqs;
    private String queueUrl;
    private Duration grace = DEFAULT_GRACE;
    private Enqueuer.Sleeper sleeper = Enqueuer.Sleeper::threadSleep;

    private Builder() {}

    public Builder table(RingConfigTable table) {
      this.table = table;
      return this;
    }

    /** The SQS client the barriers are sent with; the caller closes it. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    public Builder queueUrl(String queueUrl) {
      this.queueUrl = queueUrl;
      return this;
    }

    /**
     * How long {@link #start} waits between the new epoch and the barriers; default {@link
     * #DEFAULT_GRACE}.
     */
    public Builder grace(Duration grace) {
      this.grace = grace;
      return this;
    }

    /** Waits the grace period; tests replace it so that they never sleep. */
    public Builder sleeper(Enqueuer.Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    public Resharding build() {
      Require.notNull(table, "Resharding", "table");
      Require.notNull(sqs, "Resharding", "sqs");
      Require.argument(queueUrl != null && !queueUrl.isBlank(), "Resharding", "queueUrl", queueUrl);
      Require.argument(
          grace != null && !grace.isNegative() && grace.compareTo(Duration.ofHours(1)) <= 0,
          "Resharding",
          "grace",
          grace);
      Require.notNull(sleeper, "Resharding", "sleeper");
      return new Resharding(this);
    }
  }
}
