package io.fenceq.bench.throughput;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/** The baselines' settle step: one {@code DeleteMessageBatch} for what a receive brought. */
final class Deletes {
  private Deletes() {}

  /**
   * @param messages at most 10, from one receive
   * @return how many SQS deleted
   */
  static int batch(SqsClient sqs, String queueUrl, List<Message> messages) {
    if (messages.isEmpty()) {
      return 0;
    }
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(messages.size());
    for (Message m : messages) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id(Integer.toString(entries.size()))
              .receiptHandle(m.receiptHandle())
              .build());
    }
    return sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(entries)).successful().size();
  }
}
