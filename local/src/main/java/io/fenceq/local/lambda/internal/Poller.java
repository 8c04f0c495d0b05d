package io.fenceq.local.lambda.internal;

import io.fenceq.aws.AwsErrors;
import io.fenceq.consumer.EmptyReceivePause;
import io.fenceq.local.lambda.EventSourceConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * One poller of the event source: takes a free invocation slot, receives a batch for it and hands
 * the batch to the {@link BatchRunner}, which gives the slot back once the batch is settled; until
 * the event source stops. An empty receive gives its slot back at once.
 *
 * <p>Taking the slot before receiving means no batch is received that cannot be invoked at once
 * (its messages would sit in flight, eating their visibility timeout), and no more receives wait on
 * the queue than there are pollers, however many invocations run: on ElasticMQ every waiting
 * receive costs the queue work on each send and visibility change, and on the queue's own retry
 * ticks while a message group it could answer from is in flight (a delete costs none). A batch
 * received while stopping is still invoked: its messages are in flight already.
 */
public final class Poller implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);
  private static final Duration FIRST_ERROR_PAUSE = Duration.ofMillis(500);
  private static final Duration MAX_ERROR_PAUSE = Duration.ofSeconds(20);

  /** How often a poller waiting for a slot looks whether the event source stops. */
  private static final Duration SLOT_RECHECK = Duration.ofMillis(100);

  /** The queue and its identity, as the event source resolved them at start. */
  public record Queue(String url, String arn) {}

  private final SqsClient sqs;
  private final Queue queue;
  private final EventSourceConfig config;
  private final Semaphore slots;
  private final BatchRunner runner;
  private final EmptyReceivePause emptyPause;
  private final CountDownLatch stopping;

  /**
   * @param slots the invocation slots, one per invocation the event source may run at once
   * @param stopping counted down when the event source stops
   */
  public Poller(
      SqsClient sqs,
      Queue queue,
      EventSourceConfig config,
      Semaphore slots,
      BatchRunner runner,
      EmptyReceivePause emptyPause,
      CountDownLatch stopping) {
    this.emptyPause = emptyPause;
    this.sqs = sqs;
    this.queue = queue;
    this.config = config;
    this.slots = slots;
    this.runner = runner;
    this.stopping = stopping;
  }

  @Override
  public void run() {
    Duration pause = FIRST_ERROR_PAUSE;
    while (!stopped()) {
      try {
        if (!slots.tryAcquire(SLOT_RECHECK.toNanos(), TimeUnit.NANOSECONDS)) {
          continue;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (stopped()) {
        slots.release();
        return;
      }
      long mark = emptyPause.mark();
      List<Message> messages;
      try {
        messages = sqs.receiveMessage(receiveRequest()).messages();
        pause = FIRST_ERROR_PAUSE;
      } catch (SdkException | IllegalStateException e) {
        slots.release();
        // IllegalStateException: the client was closed under a waiting poll.
        if (stopped() || Thread.currentThread().isInterrupted()) {
          return;
        }
        log.warn(
            "event=receive_failed queue={} error={} message=\"{}\" retryInMs={}",
            queue.url(),
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
      if (!messages.isEmpty()) {
        emptyPause.reset();
        runner.run(messages);
        continue;
      }
      slots.release();
      if (config.receiveWait().isZero()) {
        try {
          if (emptyPause.pause(mark, this::stopped)) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private ReceiveMessageRequest receiveRequest() {
    return ReceiveMessageRequest.builder()
        .queueUrl(queue.url())
        .maxNumberOfMessages(config.batchSize())
        .waitTimeSeconds((int) config.receiveWait().toSeconds())
        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
        .messageAttributeNames("All")
        .build();
  }

  private boolean stopped() {
    return stopping.getCount() == 0;
  }

  /** Waits {@code pause} or until the event source stops; true if it stopped. */
  private boolean pauseUnlessStopped(Duration pause) {
    try {
      return stopping.await(pause.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
