package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.fenceq.tests.support.TestAws;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * How the embedded SQS picks the message groups of a receive, which the demo's and the benchmarks'
 * tail latencies depend on (docs/demo.md, "Where p99 comes from"): it drains one group after
 * another in a fixed order of its own, not the group of the oldest message first. A group late in
 * that order waits while earlier groups have messages, so under a steady stream a hot key's lane
 * can wait far longer than on SQS. If this test starts failing, the emulator changed and those
 * figures should be measured again.
 */
class FifoGroupOrderTest {
  private final TestAws aws = TestAws.get();

  @Test
  void theEmbeddedQueueDrainsEachGroupBeforeTheNextWhateverTheMessagesAge() {
    assumeFalse(aws.external(), "this describes the embedded ElasticMQ only");
    SqsClient sqs = aws.sqs();
    String url =
        sqs.createQueue(
                r ->
                    r.queueName(
                            "group-order-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo")
                        .attributes(
                            Map.of(
                                QueueAttributeName.FIFO_QUEUE, "true",
                                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true",
                                QueueAttributeName.VISIBILITY_TIMEOUT, "30")))
            .queueUrl();
    try {
      send(sqs, url, "oldest", 30);
      for (int n = 0; n < 20; n++) {
        send(sqs, url, "g" + n, 20);
      }

      List<String> receives = new ArrayList<>();
      List<Message> got;
      while (!(got = receive(sqs, url)).isEmpty()) {
        Set<String> groups = new LinkedHashSet<>();
        got.forEach(
            m -> groups.add(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID)));
        receives.add(String.join("+", groups));
        delete(sqs, url, got);
      }

      // Each receive holds one group, and a group once left never comes back: 21 runs in all.
      assertThat(receives).allMatch(r -> !r.contains("+")).hasSize(3 + 20 * 2);
      List<String> runs = new ArrayList<>();
      receives.forEach(
          g -> {
            if (runs.isEmpty() || !runs.getLast().equals(g)) {
              runs.add(g);
            }
          });
      assertThat(runs).hasSize(21).doesNotHaveDuplicates();
    } finally {
      sqs.deleteQueue(r -> r.queueUrl(url));
    }
  }

  private static void send(SqsClient sqs, String url, String group, int count) {
    for (int from = 0; from < count; from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int k = from; k < Math.min(count, from + 10); k++) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id("e" + k)
                .messageBody(group + "-" + k)
                .messageGroupId(group)
                .build());
      }
      sqs.sendMessageBatch(r -> r.queueUrl(url).entries(entries));
    }
  }

  private static List<Message> receive(SqsClient sqs, String url) {
    return sqs.receiveMessage(
            r ->
                r.queueUrl(url)
                    .maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .messages();
  }

  private static void delete(SqsClient sqs, String url, List<Message> messages) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      entries.add(
          DeleteMessageBatchRequestEntry.builder()
              .id("d" + i)
              .receiptHandle(messages.get(i).receiptHandle())
              .build());
    }
    sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(entries));
  }
}
