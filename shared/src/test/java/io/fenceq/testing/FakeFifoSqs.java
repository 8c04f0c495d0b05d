package io.fenceq.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * A FIFO queue that deduplicates by {@code MessageDeduplicationId} for the whole test (SQS does so
 * for five minutes): a duplicate is answered as accepted and not stored, as SQS does.
 */
public final class FakeFifoSqs implements SqsClient {
  public static final String QUEUE_URL = "https://sqs.test/000000000000/work.fifo";

  private int maxReceiveCount;

  private final List<SendMessageBatchRequestEntry> stored = new ArrayList<>();
  private final Set<String> dedupIds = new HashSet<>();
  private long sequence = 18_000_000_000_000_000L;
  private int sent;
  private boolean failNext;

  /** The next batch fails as a whole, as SQS does on a 500. */
  public synchronized FakeFifoSqs failNextBatch() {
    failNext = true;
    return this;
  }

  /** Messages sent, duplicates included. */
  public synchronized int sent() {
    return sent;
  }

  /** Messages the queue holds, duplicates removed, in send order. */
  public synchronized List<SendMessageBatchRequestEntry> stored() {
    return List.copyOf(stored);
  }

  @Override
  public synchronized SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
    if (failNext) {
      failNext = false;
      throw (SqsException)
          SqsException.builder()
              .statusCode(500)
              .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError").build())
              .message("scripted failure")
              .build();
    }
    List<SendMessageBatchResultEntry> ok = new ArrayList<>();
    for (SendMessageBatchRequestEntry entry : request.entries()) {
      sent++;
      if (dedupIds.add(entry.messageDeduplicationId())) {
        stored.add(entry);
      }
      ok.add(
          SendMessageBatchResultEntry.builder()
              .id(entry.id())
              .messageId("m-" + sequence)
              .sequenceNumber(Long.toString(sequence++))
              .build());
    }
    return SendMessageBatchResponse.builder().successful(ok).build();
  }

  /** The queue's redrive policy moves a message after {@code maxReceiveCount} receives. */
  public synchronized FakeFifoSqs redrivesAfter(int maxReceiveCount) {
    this.maxReceiveCount = maxReceiveCount;
    return this;
  }

  @Override
  public synchronized GetQueueAttributesResponse getQueueAttributes(
      GetQueueAttributesRequest request) {
    Map<QueueAttributeName, String> attributes = new java.util.HashMap<>();
    attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
    attributes.put(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "262144");
    if (maxReceiveCount > 0) {
      attributes.put(
          QueueAttributeName.REDRIVE_POLICY,
          "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:dlq.fifo\","
              + "\"maxReceiveCount\":"
              + maxReceiveCount
              + "}");
    }
    return GetQueueAttributesResponse.builder().attributes(attributes).build();
  }

  @Override
  public String serviceName() {
    return "sqs";
  }

  @Override
  public void close() {}
}
