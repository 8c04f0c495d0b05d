package io.fenceq.local.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.fenceq.aws.AwsErrors;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

/**
 * One poller of the event source: receives a batch, invokes the function with it and waits, settles
 * the batch by the function's answer, and polls again, until the event source stops. Each poller
 * runs one invocation at a time, so the pollers bound the invocations at once. A batch received
 * while stopping is still invoked: its messages are in flight already.
 */
public final class Poller implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);
  private static final Duration FIRST_ERROR_PAUSE = Duration.ofMillis(500);
  private static final Duration MAX_ERROR_PAUSE = Duration.ofSeconds(20);
  private static final String RECEIPT_HANDLE_INVALID = "ReceiptHandleIsInvalid";

  /** The queue and its identity, as the event source resolved them at start. */
  public record Queue(String url, String arn) {}

  private final SqsClient sqs;
  private final Queue queue;
  private final EventSourceConfig config;
  private final Ticker ticker;
  private final GroupGate gate;
  private final Invoker invoker;
  private final Counters counters;
  private final CountDownLatch stopping;
  private final String region;
  private final String account;

  public Poller(
      SqsClient sqs,
      Queue queue,
      EventSourceConfig config,
      Ticker ticker,
      GroupGate gate,
      Invoker invoker,
      Counters counters,
      CountDownLatch stopping) {
    this.sqs = sqs;
    this.queue = queue;
    this.config = config;
    this.ticker = ticker;
    this.gate = gate;
    this.invoker = invoker;
    this.counters = counters;
    this.stopping = stopping;
    this.region = SqsEvents.region(queue.arn());
    this.account = SqsEvents.account(queue.arn());
  }

  @Override
  public void run() {
    Duration pause = FIRST_ERROR_PAUSE;
    while (!stopped()) {
      List<Message> messages;
      try {
        messages = sqs.receiveMessage(receiveRequest()).messages();
        pause = FIRST_ERROR_PAUSE;
      } catch (SdkException | IllegalStateException e) {
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
        try {
          invokeAndSettle(SqsEvents.of(messages, queue.arn()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Runs one batch: waits until none of its groups is in an invocation, invokes, and deletes what
   * the answer says is done. Deletes nothing of a batch given up on.
   *
   * @throws InterruptedException if the event source gave up on the batch at its stop deadline
   */
  void invokeAndSettle(SQSEvent event) throws InterruptedException {
    List<SQSMessage> records = event.getRecords();
    Set<String> groups = groups(records);
    if (!gate.tryAcquire(groups)) {
      // Routine with a function that deletes its own records: SQS then hands the group's next
      // messages out while the invocation that deleted them is still finishing.
      log.debug(
          "event=group_busy queue={} groups={} firstMessageId={} detail=\"waiting for the"
              + " invocation that holds them\"",
          queue.url(),
          groups,
          records.get(0).getMessageId());
      if (!gate.acquire(groups, this::stopped)) {
        log.warn(
            "event=batch_left queue={} records={} groups={} detail=\"stopping while its group"
                + " was in an invocation; it comes back after its visibility timeout\"",
            queue.url(),
            records.size(),
            groups);
        return;
      }
    }
    InvocationContext context =
        new InvocationContext(
            UUID.randomUUID().toString(),
            config.functionName(),
            region,
            account,
            config.memoryLimitMb(),
            ticker,
            ticker.nanos(),
            config.functionTimeout());
    counters.invocations.increment();
    counters.records.add(records.size());
    counters.inFlight.incrementAndGet();
    InvocationResult result;
    try {
      result = invoker.invoke(event, context, () -> gate.release(groups));
    } catch (InterruptedException e) {
      log.warn(
          "event=invocation_abandoned function={} requestId={} queue={} records={} detail=\"the"
              + " stop deadline passed; nothing is deleted, the batch comes back after its"
              + " visibility timeout\"",
          config.functionName(),
          context.getAwsRequestId(),
          queue.url(),
          records.size());
      throw e;
    } finally {
      counters.inFlight.decrementAndGet();
    }
    settle(BatchVerdict.of(records, result), context, groups);
  }

  private void settle(BatchVerdict verdict, InvocationContext context, Set<String> groups) {
    if (verdict.batchFailed()) {
      counters.failedInvocations.increment();
      log.warn(
          "event=invocation_failed function={} requestId={} queue={} records={} groups={}"
              + " reason=\"{}\" detail=\"the whole batch comes back after its visibility"
              + " timeout\"",
          config.functionName(),
          context.getAwsRequestId(),
          queue.url(),
          verdict.left().size(),
          groups,
          verdict.failure());
      return;
    }
    if (!verdict.left().isEmpty()) {
      counters.itemFailures.add(verdict.left().size());
      log.info(
          "event=batch_item_failures function={} requestId={} queue={} failed={} deleted={}"
              + " firstFailedMessageId={}",
          config.functionName(),
          context.getAwsRequestId(),
          queue.url(),
          verdict.left().size(),
          verdict.delete().size(),
          verdict.left().get(0).getMessageId());
    }
    if (!verdict.outOfOrderGroups().isEmpty()) {
      log.warn(
          "event=fifo_group_not_stopped function={} requestId={} queue={} groups={} detail=\"the"
              + " function reported a record failed and a later record of its group done; the"
              + " later one is deleted, as Lambda does, and took effect before the failed one\"",
          config.functionName(),
          context.getAwsRequestId(),
          queue.url(),
          verdict.outOfOrderGroups());
    }
    counters.succeeded.add(verdict.delete().size());
    delete(verdict.delete());
  }

  private void delete(List<SQSMessage> done) {
    if (done.isEmpty()) {
      return;
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(done.size());
    for (int i = 0; i < done.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .receiptHandle(done.get(i).getReceiptHandle())
              .build());
    }
    DeleteMessageBatchResponse response;
    try {
      response = sqs.deleteMessageBatch(r -> r.queueUrl(queue.url()).entries(entries));
    } catch (SdkException | IllegalStateException e) {
      counters.deleteFailures.add(done.size());
      log.warn(
          "event=delete_failed queue={} messages={} firstMessageId={} error=\"{}\" detail=\"they"
              + " come back after their visibility timeout\"",
          queue.url(),
          done.size(),
          done.get(0).getMessageId(),
          e.toString());
      return;
    }
    counters.deleted.add(response.successful().size());
    for (BatchResultErrorEntry failed : response.failed()) {
      if (RECEIPT_HANDLE_INVALID.equals(failed.code())) {
        // The function deleted it itself (SQS accepts a second delete, ElasticMQ refuses it).
        log.debug(
            "event=delete_skipped queue={} messageId={} reason=\"already deleted\"",
            queue.url(),
            done.get(Integer.parseInt(failed.id())).getMessageId());
        continue;
      }
      counters.deleteFailures.increment();
      log.warn(
          "event=delete_failed queue={} messageId={} code={} message=\"{}\"",
          queue.url(),
          done.get(Integer.parseInt(failed.id())).getMessageId(),
          failed.code(),
          failed.message());
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

  private static Set<String> groups(List<SQSMessage> records) {
    Set<String> groups = new LinkedHashSet<>();
    for (SQSMessage record : records) {
      String group = SqsEvents.group(record);
      if (group != null) {
        groups.add(group);
      }
    }
    return groups;
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
