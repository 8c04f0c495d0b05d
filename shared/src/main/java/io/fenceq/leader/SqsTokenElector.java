package io.fenceq.leader;

import io.fenceq.aws.AwsErrors;
import io.fenceq.internal.Require;
import io.fenceq.leader.internal.TokenBody;
import io.fenceq.leader.internal.TokenFence;
import io.fenceq.lease.LeaderElection;
import io.fenceq.lease.LeadershipListener;
import io.fenceq.lease.internal.Durations;
import io.fenceq.lease.internal.ElectionLoop;
import io.fenceq.queue.QueueNotFoundException;
import io.fenceq.time.Ticker;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Elects one leader by holding the one token message of a leadership in an SQS FIFO queue: the
 * leader is whoever has the token in flight, and it keeps it in flight by extending the message's
 * visibility as a heartbeat. A leader that dies stops extending it; the token becomes visible again
 * when its visibility runs out, and the next contender to receive it leads. SQS's visibility timer
 * is the only timer that decides anything: no client clock grants or ends leadership.
 *
 * <p>The fence of a holding is {@code generation * 2^24 + ApproximateReceiveCount}, the generation
 * being written in the token's body and raised at every re-send: strictly larger for every new
 * holder, and checked by the same fenced writes as the DynamoDB lease's ({@link
 * io.fenceq.fence.DynamoDbFence}, {@link io.fenceq.fence.JdbcFencedUpdate}). The argument and the
 * limits are in {@code docs/leader-election.md}.
 *
 * <p>The queue belongs to this one leadership: its message group is the leadership's name, and an
 * empty queue (no message visible, in flight or delayed) is how a lost token is recognised. Limits
 * handled:
 *
 * <ul>
 *   <li>SQS keeps a message in flight for at most 12 hours from its receive, and keeps it at most
 *       its retention period: a leader hands the token over to itself every {@code resendAfter}
 *       (send the next generation, delete the held one, receive again), which ends its leadership
 *       and starts a new one with a larger fence, or another contender's.
 *   <li>A duplicate token (an operator's copy, or a hand-over interrupted between its send and its
 *       delete) is deleted by the contender that receives it: the one with the highest generation
 *       is kept, and a contender that has held a generation deletes any other message of it.
 *   <li>A lost token (deleted by an operator, or expired unheld past retention) is re-created by a
 *       contender that finds the queue empty, with the next generation it knows of and that
 *       generation's deduplication id, so contenders repairing at once create one message.
 *   <li>A missing queue fails {@link #start()} and every round with a {@link
 *       QueueNotFoundException} naming it.
 * </ul>
 *
 * <p>{@link #close()} makes a held token visible at once (visibility 0) and tells the listener; it
 * is idempotent.
 */
public final class SqsTokenElector implements LeaderElection {
  private static final Logger log = LoggerFactory.getLogger(SqsTokenElector.class);
  private static final int MAX_MESSAGES = 10;

  private final SqsClient sqs;
  private final String queueUrl;
  private final String name;
  private final String owner;
  private final LeadershipListener listener;
  private final Duration visibilityTimeout;
  private final Duration heartbeatInterval;
  private final Duration receiveWait;
  private final Duration resendAfter;
  private final Ticker ticker;
  private final ElectionLoop loop;
  private final ReentrantLock lock;
  private volatile Holding held;
  // Guarded by lock: the newest generation this process has seen, and the sequence number of the
  // message of that generation it held (null if it only sent that generation).
  private long highestGeneration;
  private BigInteger highestSeq;

  /** One holding of the token: the message as received, and the fence it gives. */
  private record Holding(
      String receiptHandle,
      BigInteger seq,
      long generation,
      long receiveCount,
      long fence,
      long sinceNanos) {}

  private SqsTokenElector(Builder b) {
    this.sqs = b.sqs;
    this.queueUrl = b.queueUrl;
    this.name = b.name;
    this.owner = b.owner != null ? b.owner : "leader-" + UUID.randomUUID();
    this.listener = b.listener;
    this.visibilityTimeout = b.visibilityTimeout;
    this.heartbeatInterval =
        b.heartbeatInterval != null ? b.heartbeatInterval : b.visibilityTimeout.dividedBy(3);
    this.receiveWait = b.receiveWait;
    this.resendAfter = b.resendAfter;
    this.ticker = b.ticker;
    this.loop =
        new ElectionLoop(
            log,
            "leader token elector " + name,
            "fenceq-leader-token-" + name,
            "queue=" + queueUrl + " name=" + name + " owner=" + owner,
            heartbeatInterval,
            receiveWait.plus(visibilityTimeout));
    this.lock = loop.lock();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String owner() {
    return owner;
  }

  /** The token queue. */
  public String queueUrl() {
    return queueUrl;
  }

  /**
   * Whether this process holds the token. Turns false when SQS refuses a heartbeat: a process
   * paused past the visibility timeout believes it leads until its next heartbeat, and the fence is
   * what stops its late writes.
   */
  @Override
  public boolean isLeader() {
    return held != null;
  }

  @Override
  public OptionalLong fence() {
    Holding current = held;
    return current != null ? OptionalLong.of(current.fence()) : OptionalLong.empty();
  }

  /**
   * Checks that the queue exists and is FIFO, then starts the thread {@code
   * fenceq-leader-token-<name>}.
   *
   * @throws QueueNotFoundException naming the queue if it does not exist or is not FIFO
   * @throws IllegalStateException if already started or closed
   */
  @Override
  public void start() {
    requireFifoQueue();
    loop.start(
        this::runRound,
        () -> releaseHeld("the round thread of leader token " + name + " was interrupted"));
    log.info("event=leader_elector_started queue={} name={} owner={}", queueUrl, name, owner);
  }

  /**
   * Runs one round now: a heartbeat (or hand-over) if holding the token, a receive (and, finding
   * the queue empty, a repair) if not. {@link #start()} runs rounds on its thread.
   *
   * @return how long to wait before the next round
   * @throws QueueNotFoundException naming the queue if it does not exist
   */
  public Duration runRound() {
    lock.lock();
    try {
      if (loop.isClosed()) {
        return heartbeatInterval;
      }
      Holding current = held;
      return current == null ? tryAcquire() : heartbeat(current);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean runIfLeader(LongConsumer task) {
    if (loop.isStarted()) {
      OptionalLong fence = fence();
      if (fence.isEmpty()) {
        return false;
      }
      task.accept(fence.getAsLong());
      return true;
    }
    lock.lock();
    try {
      loop.requireOpen();
      // A second round receives the token a first round had to create or clean up.
      for (int round = 0; round < 2 && held == null; round++) {
        tryAcquire();
      }
      Holding current = held;
      if (current == null) {
        return false;
      }
      try {
        task.accept(current.fence());
      } finally {
        releaseHeld("released after running as leader");
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the round thread, makes a held token visible at once and tells the listener. Idempotent;
   * an interrupt of the calling thread is kept in its status.
   */
  @Override
  public void close() {
    if (loop.close(() -> releaseHeld("leader token elector " + name + " was closed"))) {
      log.info("event=leader_elector_closed queue={} name={} owner={}", queueUrl, name, owner);
    }
  }

  // ---- acquiring ----

  private Duration tryAcquire() {
    List<Message> received;
    try {
      received =
          sqs.receiveMessage(
                  r ->
                      r.queueUrl(queueUrl)
                          .maxNumberOfMessages(MAX_MESSAGES)
                          .waitTimeSeconds((int) receiveWait.toSeconds())
                          .visibilityTimeout((int) visibilityTimeout.toSeconds())
                          .messageSystemAttributeNames(
                              MessageSystemAttributeName.SEQUENCE_NUMBER,
                              MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                              MessageSystemAttributeName.MESSAGE_GROUP_ID))
              .messages();
    } catch (SdkException e) {
      throw failure(e, "receiving the token");
    }
    Message best = null;
    long bestGeneration = 0;
    List<Message> discard = new ArrayList<>();
    for (Message m : received) {
      String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
      Optional<Long> generation = TokenBody.generation(m.body(), name);
      if (!name.equals(group)) {
        log.error(
            "event=leader_token_foreign queue={} name={} group={} reason=\"the queue holds a"
                + " message of another group; give each leadership its own token queue\"",
            queueUrl,
            name,
            group);
        returnQuietly(m);
      } else if (generation.isEmpty()) {
        log.error(
            "event=leader_token_malformed queue={} name={} messageId={} reason=\"not a token of"
                + " this leadership; deleted so it does not block the group\"",
            queueUrl,
            name,
            m.messageId());
        discard.add(m);
      } else if (isStale(generation.get(), seq(m))) {
        log.warn(
            "event=leader_token_stale queue={} name={} generation={} seq={} highestGeneration={}"
                + " reason=\"a duplicate or an older token; deleted\"",
            queueUrl,
            name,
            generation.get(),
            seq(m),
            highestGeneration);
        discard.add(m);
      } else if (best == null || generation.get() > bestGeneration) {
        if (best != null) {
          discard.add(best);
        }
        best = m;
        bestGeneration = generation.get();
      } else {
        log.warn(
            "event=leader_token_duplicate queue={} name={} generation={} kept={} reason=\"a"
                + " second token received with one of a newer or equal generation; deleted\"",
            queueUrl,
            name,
            generation.get(),
            bestGeneration);
        discard.add(m);
      }
    }
    for (Message m : discard) {
      deleteQuietly(m.receiptHandle());
    }
    if (best != null) {
      return hold(best, bestGeneration);
    }
    if (received.isEmpty() && queueIsEmpty()) {
      createToken(highestGeneration + 1, "the queue is empty: the token was lost or never made");
      return Duration.ZERO;
    }
    return receiveWait.isZero() || !discard.isEmpty() ? heartbeatInterval : Duration.ZERO;
  }

  /**
   * Older than the newest generation seen, or a second message of a generation this process held.
   */
  private boolean isStale(long generation, BigInteger seq) {
    return generation < highestGeneration
        || (generation == highestGeneration && highestSeq != null && !highestSeq.equals(seq));
  }

  private Duration hold(Message m, long generation) {
    long receiveCount =
        Long.parseLong(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
    BigInteger seq = seq(m);
    highestGeneration = generation;
    highestSeq = seq;
    if (receiveCount > TokenFence.MAX_RECEIVE_COUNT) {
      // The fence could no longer grow with this message: re-send before anyone leads with it.
      handOver(m.receiptHandle(), generation, receiveCount, "received " + receiveCount + " times");
      return Duration.ZERO;
    }
    long fence = TokenFence.of(generation, receiveCount);
    held = new Holding(m.receiptHandle(), seq, generation, receiveCount, fence, ticker.nanos());
    log.info(
        "event=leadership_gained queue={} name={} owner={} fence={} generation={} receiveCount={}"
            + " seq={}",
        queueUrl,
        name,
        owner,
        fence,
        generation,
        receiveCount,
        seq);
    try {
      listener.gained(fence);
    } catch (RuntimeException e) {
      log.error("event=leadership_listener_failed name={} owner={} call=gained", name, owner, e);
    }
    return heartbeatInterval;
  }

  private boolean queueIsEmpty() {
    Map<QueueAttributeName, String> counts;
    try {
      counts =
          sqs.getQueueAttributes(
                  r ->
                      r.queueUrl(queueUrl)
                          .attributeNames(
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
              .attributes();
    } catch (SdkException e) {
      throw failure(e, "counting the queue's messages");
    }
    return counts.values().stream().allMatch("0"::equals);
  }

  private void createToken(long generation, String why) {
    sendToken(generation);
    highestGeneration = Math.max(highestGeneration, generation);
    highestSeq = null;
    log.warn(
        "event=leader_token_created queue={} name={} owner={} generation={} reason=\"{}\"",
        queueUrl,
        name,
        owner,
        generation,
        why);
  }

  // ---- holding ----

  private Duration heartbeat(Holding current) {
    if (ticker.nanos() - current.sinceNanos() >= resendAfter.toNanos()) {
      handOver(
          current.receiptHandle(),
          current.generation(),
          current.receiveCount(),
          "held for " + Durations.format(resendAfter) + ", the most one receive may be held here");
      return Duration.ZERO;
    }
    try {
      sqs.changeMessageVisibility(
          r ->
              r.queueUrl(queueUrl)
                  .receiptHandle(current.receiptHandle())
                  .visibilityTimeout((int) visibilityTimeout.toSeconds()));
      return heartbeatInterval;
    } catch (SdkException e) {
      if (isMissingQueue(e)) {
        endLeadership("leader token queue " + queueUrl + " does not exist any more");
        throw missingQueue(e);
      }
      if (AwsErrors.isTransient(e)) {
        log.warn(
            "event=leader_heartbeat_failed queue={} name={} fence={} error=\"{}\"",
            queueUrl,
            name,
            current.fence(),
            AwsErrors.code(e));
        return heartbeatInterval.dividedBy(2);
      }
      endLeadership(
          "SQS refused the heartbeat of leader token "
              + name
              + " at fence "
              + current.fence()
              + " ("
              + AwsErrors.code(e)
              + "): its visibility ran out and it was received again, or it was deleted");
      return Duration.ZERO;
    }
  }

  /**
   * Hands the token over: sends the next generation, then deletes the held message, so a crash in
   * between leaves a duplicate rather than no token. The next generation is the held one plus the
   * receive count it was held at: when a hand-over was interrupted and the message is received
   * again and handed over by its next holder, the two re-sent tokens carry different generations,
   * the later one the larger (docs/leader-election.md).
   */
  private void handOver(String receiptHandle, long generation, long receiveCount, String why) {
    long next = generation + receiveCount;
    try {
      sendToken(next);
    } catch (RuntimeException e) {
      log.warn(
          "event=leader_token_resend_failed queue={} name={} generation={} error=\"{}\"",
          queueUrl,
          name,
          next,
          e.getMessage());
      return;
    }
    highestGeneration = Math.max(highestGeneration, next);
    highestSeq = null;
    deleteQuietly(receiptHandle);
    if (held != null) {
      endLeadership(
          "leader token "
              + name
              + " was handed over to generation "
              + next
              + " ("
              + why
              + "); the next receive leads with a larger fence");
    } else {
      log.info(
          "event=leader_token_resent queue={} name={} generation={} reason=\"{}\"",
          queueUrl,
          name,
          next,
          why);
    }
  }

  private void releaseHeld(String reason) {
    Holding current = held;
    if (current == null) {
      return;
    }
    try {
      sqs.changeMessageVisibility(
          r -> r.queueUrl(queueUrl).receiptHandle(current.receiptHandle()).visibilityTimeout(0));
    } catch (SdkException e) {
      reason =
          reason
              + "; the token could not be made visible ("
              + AwsErrors.code(e)
              + ") and reappears when its visibility runs out";
    }
    endLeadership(reason);
  }

  private void endLeadership(String reason) {
    held = null;
    log.info("event=leadership_lost name={} owner={} reason=\"{}\"", name, owner, reason);
    try {
      listener.lost(reason);
    } catch (RuntimeException e) {
      log.error("event=leadership_listener_failed name={} owner={} call=lost", name, owner, e);
    }
  }

  // ---- SQS ----

  private void sendToken(long generation) {
    try {
      sqs.sendMessage(
          r ->
              r.queueUrl(queueUrl)
                  .messageGroupId(name)
                  .messageDeduplicationId(TokenBody.deduplicationId(name, generation))
                  .messageBody(TokenBody.format(name, generation)));
    } catch (SdkException e) {
      throw isMissingQueue(e)
          ? missingQueue(e)
          : new LeaderTokenException(
              "sending generation "
                  + generation
                  + " of leader token "
                  + name
                  + " to queue "
                  + queueUrl
                  + " failed: "
                  + AwsErrors.code(e),
              e);
    }
  }

  private void returnQuietly(Message m) {
    try {
      sqs.changeMessageVisibility(
          r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
    } catch (SdkException e) {
      log.warn("event=leader_return_failed queue={} error=\"{}\"", queueUrl, AwsErrors.code(e));
    }
  }

  private void deleteQuietly(String receiptHandle) {
    try {
      sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(receiptHandle));
    } catch (SdkException e) {
      log.warn(
          "event=leader_token_delete_failed queue={} name={} error=\"{}\"",
          queueUrl,
          name,
          AwsErrors.code(e));
    }
  }

  private void requireFifoQueue() {
    Map<QueueAttributeName, String> attributes;
    try {
      attributes =
          sqs.getQueueAttributes(
                  r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.FIFO_QUEUE))
              .attributes();
    } catch (SdkException e) {
      throw isMissingQueue(e)
          ? missingQueue(e)
          : new LeaderTokenException(
              "leader token queue " + queueUrl + " could not be read: " + AwsErrors.code(e), e);
    }
    if (!"true".equals(attributes.get(QueueAttributeName.FIFO_QUEUE))) {
      throw new QueueNotFoundException(
          "leader token queue " + queueUrl + " is not a FIFO queue; the token needs one", null);
    }
  }

  private RuntimeException failure(SdkException e, String what) {
    if (isMissingQueue(e)) {
      return missingQueue(e);
    }
    return new LeaderTokenException(
        what + " of leader " + name + " on queue " + queueUrl + " failed: " + AwsErrors.code(e), e);
  }

  private static boolean isMissingQueue(SdkException e) {
    return e instanceof QueueDoesNotExistException
        || (e instanceof AwsServiceException && AwsErrors.code(e).contains("NonExistentQueue"));
  }

  private QueueNotFoundException missingQueue(SdkException e) {
    return new QueueNotFoundException(
        "leader token queue "
            + queueUrl
            + " does not exist (leadership "
            + name
            + "): create it (template.yaml LeaderTokenQueue, LeaderElection=sqs-token) or choose"
            + " the DynamoDB elector",
        e);
  }

  private static BigInteger seq(Message m) {
    String seq = m.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER);
    return seq == null ? BigInteger.ZERO : new BigInteger(seq);
  }

  /** Configures an {@link SqsTokenElector}. */
  public static final class Builder {
    /** SQS keeps a message in flight at most 12 hours from its receive. */
    static final Duration MAX_HOLD = Duration.ofHours(12);

    private SqsClient sqs;
    private String queueUrl;
    private String name;
    private String owner;
    private LeadershipListener listener = LeadershipListener.none();
    private Duration visibilityTimeout = Duration.ofSeconds(30);
    private Duration heartbeatInterval;
    private Duration receiveWait = Duration.ofSeconds(10);
    private Duration resendAfter = Duration.ofHours(6);
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** The client; it belongs to the caller. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** The FIFO queue holding this leadership's token, and nothing else. */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = queueUrl;
      return this;
    }

    /** The leadership's name: the token's message group. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** This process's identity, for logs; default {@code leader-<random UUID>}. */
    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    public Builder listener(LeadershipListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * How long the token stays invisible after a receive or heartbeat: the failover time after a
     * crash. Whole seconds, 1 s to 12 h; default 30 s.
     */
    public Builder visibilityTimeout(Duration visibilityTimeout) {
      this.visibilityTimeout = visibilityTimeout;
      return this;
    }

    /** How often the leader extends the visibility; default a third of it. */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    /** Long poll of a contender's receive, whole seconds, 0 to 20 s; default 10 s. */
    public Builder receiveWait(Duration receiveWait) {
      this.receiveWait = receiveWait;
      return this;
    }

    /**
     * How long one receive of the token is held before the leader hands it over to itself: under
     * SQS's 12-hour limit less a visibility timeout and a heartbeat; default 6 h.
     */
    public Builder resendAfter(Duration resendAfter) {
      this.resendAfter = resendAfter;
      return this;
    }

    /** Measures only how long a receive has been held, for {@link #resendAfter}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    public SqsTokenElector build() {
      String owner = "SqsTokenElector";
      Require.notNull(sqs, owner, "sqs");
      Require.argument(
          queueUrl != null && queueUrl.endsWith(".fifo"),
          owner,
          "queueUrl",
          queueUrl + " (a FIFO queue URL, ending in .fifo)");
      Require.argument(
          name != null && name.matches("[A-Za-z0-9._-]{1,64}"),
          owner,
          "name",
          name + " (1 to 64 of A-Z a-z 0-9 . _ -)");
      Require.argument(
          this.owner == null || !this.owner.isBlank(), owner, "owner", "\"" + this.owner + "\"");
      Require.notNull(listener, owner, "listener");
      Require.notNull(ticker, owner, "ticker");
      Require.argument(
          visibilityTimeout != null
              && visibilityTimeout.toMillis() % 1000 == 0
              && visibilityTimeout.compareTo(Duration.ofSeconds(1)) >= 0
              && visibilityTimeout.compareTo(MAX_HOLD) <= 0,
          owner,
          "visibilityTimeout",
          Durations.format(visibilityTimeout) + " (whole seconds, 1 s to 12 h)");
      Duration heartbeat =
          heartbeatInterval != null ? heartbeatInterval : visibilityTimeout.dividedBy(3);
      Require.argument(
          heartbeat.isPositive() && heartbeat.compareTo(visibilityTimeout) < 0,
          owner,
          "heartbeatInterval",
          Durations.format(heartbeat)
              + " (positive and shorter than the visibility timeout "
              + Durations.format(visibilityTimeout)
              + ")");
      Require.argument(
          receiveWait != null
              && receiveWait.toMillis() % 1000 == 0
              && !receiveWait.isNegative()
              && receiveWait.compareTo(Duration.ofSeconds(20)) <= 0,
          owner,
          "receiveWait",
          Durations.format(receiveWait) + " (whole seconds, 0 to 20 s)");
      Require.argument(
          resendAfter != null
              && resendAfter.isPositive()
              && resendAfter.plus(visibilityTimeout).plus(heartbeat).compareTo(MAX_HOLD) < 0,
          owner,
          "resendAfter",
          Durations.format(resendAfter)
              + " (positive, and with the visibility timeout and a heartbeat under 12 h)");
      return new SqsTokenElector(this);
    }
  }
}
