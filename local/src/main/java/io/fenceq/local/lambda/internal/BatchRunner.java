package io.fenceq.local.lambda.internal;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.fenceq.consumer.EmptyReceivePause;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.time.Ticker;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What happens to a batch a poller received: on an invocation thread of the {@link Invoker}, it
 * waits until none of its message groups is in an invocation, invokes the function, deletes what
 * the answer says is done, and then frees the invocation slot the poller took for it. A batch given
 * up on (at a timeout, or at the stop deadline) deletes nothing and frees its slot too.
 */
public final class BatchRunner {
  private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);
  private static final String RECEIPT_HANDLE_INVALID = "ReceiptHandleIsInvalid";

  private final SqsClient sqs;
  private final Poller.Queue queue;
  private final EventSourceConfig config;
  private final Ticker ticker;
  private final GroupGate gate;
  private final Invoker invoker;
  private final Semaphore slots;
  private final EmptyReceivePause emptyPause;
  private final Counters counters;
  private final CountDownLatch stopping;
  private final String region;
  private final String account;

  /**
   * @param slots the invocation slots; each batch handed to {@link #run} holds one, which it gives
   *     back when it is settled or given up
   * @param stopping counted down when the event source stops
   */
  public BatchRunner(
      SqsClient sqs,
      Poller.Queue queue,
      EventSourceConfig config,
      Ticker ticker,
      GroupGate gate,
      Invoker invoker,
      Semaphore slots,
      EmptyReceivePause emptyPause,
      Counters counters,
      CountDownLatch stopping) {
    this.emptyPause = emptyPause;
    this.sqs = sqs;
    this.queue = queue;
    this.config = config;
    this.ticker = ticker;
    this.gate = gate;
    this.invoker = invoker;
    this.slots = slots;
    this.counters = counters;
    this.stopping = stopping;
    this.region = SqsEvents.region(queue.arn());
    this.account = SqsEvents.account(queue.arn());
  }

  /**
   * Runs {@code messages} on an invocation thread of their own and returns at once. The slot the
   * caller took for them is theirs from now on.
   */
  public void run(List<Message> messages) {
    SQSEvent event = SqsEvents.of(messages, queue.arn());
    try {
      invoker.execute(() -> invokeAndSettle(event));
    } catch (RuntimeException | OutOfMemoryError e) {
      slots.release();
      log.warn(
          "event=invocation_not_started queue={} records={} error=\"{}\" detail=\"the batch comes"
              + " back after its visibility timeout\"",
          queue.url(),
          messages.size(),
          e.toString());
    }
  }

  /**
   * Runs one batch: waits until none of its groups is in an invocation, invokes, and has the answer
   * settled by {@link #ended}. Deletes nothing of a batch given up on.
   */
  private void invokeAndSettle(SQSEvent event) {
    List<SQSMessage> records = event.getRecords();
    Set<String> groups = groups(records);
    boolean admitted = false;
    try {
      admitted = admit(records, groups);
    } catch (InterruptedException e) {
      // The stop deadline passed while the batch waited for its groups.
      log.warn(
          "event=batch_left queue={} records={} groups={} detail=\"the stop deadline passed"
              + " while its group was in an invocation; it comes back after its visibility"
              + " timeout\"",
          queue.url(),
          records.size(),
          groups);
    }
    if (!admitted) {
      slots.release();
      return;
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
    invoker.call(
        event,
        context,
        () -> gate.release(groups),
        new Invoker.Ending() {
          @Override
          public void ended(InvocationResult result) {
            counters.inFlight.decrementAndGet();
            try {
              settle(BatchVerdict.of(records, result), context, groups);
            } finally {
              slots.release();
              emptyPause.settled();
            }
          }

          @Override
          public void abandoned() {
            counters.inFlight.decrementAndGet();
            slots.release();
            log.warn(
                "event=invocation_abandoned function={} requestId={} queue={} records={}"
                    + " detail=\"the stop deadline passed; nothing is deleted, the batch comes"
                    + " back after its visibility timeout\"",
                config.functionName(),
                context.getAwsRequestId(),
                queue.url(),
                records.size());
          }
        });
  }

  /**
   * Takes the batch's groups, waiting while an invocation holds one of them.
   *
   * @return false if the event source stopped meanwhile: the batch is left to its visibility
   */
  private boolean admit(List<SQSMessage> records, Set<String> groups) throws InterruptedException {
    if (gate.tryAcquire(groups)) {
      return true;
    }
    // Routine with a function that deletes its own records: SQS then hands the group's next
    // messages out while the invocation that deleted them is still finishing.
    log.debug(
        "event=group_busy queue={} groups={} firstMessageId={} detail=\"waiting for the"
            + " invocation that holds them\"",
        queue.url(),
        groups,
        records.get(0).getMessageId());
    if (gate.acquire(groups, this::stopped)) {
      return true;
    }
    log.warn(
        "event=batch_left queue={} records={} groups={} detail=\"stopping while its group"
            + " was in an invocation; it comes back after its visibility timeout\"",
        queue.url(),
        records.size(),
        groups);
    return false;
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
}
