package io.fenceq.worker.internal;

import io.fenceq.aws.AwsErrors;
import io.fenceq.consumer.EmptyReceivePause;
import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.LaneBatch;
import io.fenceq.engine.LaneProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * One receive loop: reserves room for a lane in the engine, long-polls the work queue for as many
 * messages as {@link ReceiveSizer} expects the free room to hold, hands each lane of what arrives
 * to the engine, gives the reservation back, and polls again, until the worker stops. The room is
 * the engine's own count of lanes in flight ({@link LaneSink#reserve()}), so no loop polls without
 * room for at least one lane. A batch received while stopping is still handed over: the engine
 * gives it back with visibility 0.
 *
 * <p>With a receive wait of zero the loop polls short, and after an empty receive it pauses until
 * one of its lanes settles (deleting a lane-batch frees its message group, whose next messages are
 * then the likeliest to be handed out) or a backoff passes. Short polling is for the embedded
 * ElasticMQ, where a waiting long poll costs the queue work on every send and visibility change; on
 * SQS long polling is cheaper and the default.
 */
public final class ReceiveLoop implements Runnable {
  /** SQS's most messages per receive. */
  public static final int MAX_BATCH = 10;

  private static final Logger log = LoggerFactory.getLogger(ReceiveLoop.class);
  private static final Duration FIRST_ERROR_PAUSE = Duration.ofMillis(500);
  private static final Duration MAX_ERROR_PAUSE = Duration.ofSeconds(20);

  private final SqsClient sqs;
  private final String queueUrl;
  private final Duration wait;
  private final Duration visibility;
  private final LaneSink lanes;
  private final ReceiveSizer sizer = new ReceiveSizer(MAX_BATCH);
  private final Progress progress;
  private final CountDownLatch stopping;

  private final EmptyReceivePause emptyPause;

  /**
   * @param sqs the client to poll with
   * @param wait the long-poll wait; zero polls short, with an {@link EmptyReceivePause} after an
   *     empty receive
   * @param visibility the visibility timeout to ask on receive, or null for the queue's own; at
   *     least the lease duration, since the first heartbeat extends it only one renew interval
   *     after the lease is granted
   * @param lanes the engine: its room for lanes, and where each lane goes
   * @param stopping counted down when the worker stops
   */
  public ReceiveLoop(
      SqsClient sqs,
      String queueUrl,
      Duration wait,
      Duration visibility,
      LaneSink lanes,
      Progress progress,
      CountDownLatch stopping) {
    this(sqs, queueUrl, wait, visibility, lanes, progress, stopping, new EmptyReceivePause());
  }

  /** As above, with the short poll's pause given (tests). */
  ReceiveLoop(
      SqsClient sqs,
      String queueUrl,
      Duration wait,
      Duration visibility,
      LaneSink lanes,
      Progress progress,
      CountDownLatch stopping,
      EmptyReceivePause emptyPause) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.wait = wait;
    this.visibility = visibility;
    this.lanes = lanes;
    this.progress = progress;
    this.stopping = stopping;
    this.emptyPause = emptyPause;
  }

  @Override
  public void run() {
    Duration pause = FIRST_ERROR_PAUSE;
    while (!stopped()) {
      int room;
      try {
        room = lanes.reserve();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (room == 0) {
        return; // the engine is shutting down: stopping
      }
      int ask = sizer.ask(room);
      long mark = emptyPause.mark();
      List<Message> batch;
      try {
        batch = sqs.receiveMessage(request(ask)).messages();
        pause = FIRST_ERROR_PAUSE;
      } catch (SdkException | IllegalStateException e) {
        // IllegalStateException: the polling client was closed under a waiting poll to stop.
        lanes.release();
        if (stopped()) {
          return;
        }
        log.warn(
            "event=receive_failed queue={} error={} message=\"{}\" retryInMs={}",
            queueUrl,
            e instanceof SdkException sdk ? AwsErrors.code(sdk) : e.getClass().getSimpleName(),
            e.getMessage(),
            pause.toMillis());
        if (pauseUnlessStopped(pause)) {
          return;
        }
        Duration doubled = pause.multipliedBy(2);
        pause = doubled.compareTo(MAX_ERROR_PAUSE) > 0 ? MAX_ERROR_PAUSE : doubled;
        continue;
      }
      try {
        handOver(ask, batch);
      } finally {
        // After the lanes are submitted, so that the engine counts them before the room is freed.
        lanes.release();
      }
      if (!batch.isEmpty()) {
        emptyPause.reset();
      } else if (wait.isZero() && pauseAfterEmptyReceive(mark)) {
        return;
      }
    }
  }

  /** Pauses a short poll after an empty receive; true if the worker stops. */
  private boolean pauseAfterEmptyReceive(long mark) {
    try {
      return emptyPause.pause(mark, this::stopped);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /** Splits a receive by lane and hands each lane on. */
  private void handOver(int ask, List<Message> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<LaneBatch> split;
    try {
      split = LaneBatch.split(batch);
    } catch (IllegalArgumentException e) {
      // A message without the attributes the engine reads: nothing was acted on, and the
      // messages come back after their visibility.
      log.error(
          "event=batch_refused queue={} messages={} firstMessageId={} error=\"{}\"",
          queueUrl,
          batch.size(),
          batch.get(0).messageId(),
          e.getMessage());
      return;
    }
    sizer.observed(ask, batch.size(), split.size());
    progress.received(batch.size());
    split.forEach(this::hand);
  }

  /**
   * Submits one lane's messages on their own, so that its room comes back when it is settled, not
   * when the slowest lane of the receive is.
   */
  private void hand(LaneBatch lane) {
    CompletableFuture<BatchOutcome> settled;
    try {
      settled = lanes.submit(lane);
    } catch (RuntimeException e) {
      // Nothing of the lane was acted on: its messages come back after their visibility.
      log.error(
          "event=lane_refused queue={} lane={} messages={} firstMessageId={} error=\"{}\"",
          queueUrl,
          lane.groupId(),
          lane.messages().size(),
          lane.messages().get(0).messageId(),
          e.toString());
      return;
    }
    settled.whenComplete(
        (outcome, error) -> {
          emptyPause.settled();
          if (outcome != null) {
            progress.settled(outcome);
          } else {
            log.error(
                "event=lane_failed queue={} lane={} messages={}",
                queueUrl,
                lane.groupId(),
                lane.messages().size(),
                error);
          }
        });
  }

  private ReceiveMessageRequest request(int ask) {
    ReceiveMessageRequest.Builder request =
        ReceiveMessageRequest.builder()
            .queueUrl(queueUrl)
            .maxNumberOfMessages(ask)
            .waitTimeSeconds((int) wait.toSeconds())
            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
            .messageAttributeNames(LaneProcessor.RECEIVE_MESSAGE_ATTRIBUTES);
    if (visibility != null) {
      request.visibilityTimeout((int) visibility.toSeconds());
    }
    return request.build();
  }

  private boolean stopped() {
    return stopping.getCount() == 0;
  }

  /** Waits {@code pause} or until the worker stops; true if it stopped. */
  private boolean pauseUnlessStopped(Duration pause) {
    try {
      return stopping.await(pause.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
