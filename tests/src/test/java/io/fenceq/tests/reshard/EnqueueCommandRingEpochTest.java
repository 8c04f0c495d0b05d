package io.fenceq.tests.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.local.cli.FenceqCli;
import io.fenceq.queue.Enqueuer;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.support.RingKeys;
import io.fenceq.tests.support.SdkSystemProperties;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@code fenceq enqueue} in process against the embedded emulators after a reshard has started in
 * the lease table: with {@code --ring-epochs} a moved key's jobs go to its lane on the new epoch's
 * ring and carry the epoch; without it, to its configured lane, unstamped. The command finds the
 * emulators through the SDK's standard settings (their system-property form, restored after).
 */
class EnqueueCommandRingEpochTest {
  private final TestAws aws = TestAws.get();
  private SdkSystemProperties sdk;
  private TestStack stack;
  private HashRing configured;
  private HashRing resharded;
  private String movedKey;

  @BeforeEach
  void reshardedStack() {
    sdk = SdkSystemProperties.set(aws.awsEnvironment());
    stack = aws.newStack("enqueue-epochs");
    configured = HashRing.of(stack.lanes());
    resharded = HashRing.of(stack.lanes() * 2);
    RingConfigTable table =
        new RingConfigTable(aws.dynamoDb(), stack.leaseTable(), stack.lanes(), Clock.systemUTC());
    assertThat(table.start(table.read(), resharded.laneCount()).epoch()).isEqualTo(1);
    movedKey = RingKeys.moved(configured, resharded);
  }

  @AfterEach
  void restore() {
    sdk.restore();
  }

  @Test
  void withRingEpochsAMovedKeysJobsGoToItsLaneOnTheEpochsRingStamped() {
    assertThat(enqueue("--ring-epochs", "--count", "3")).isZero();

    List<Message> sent = drain();
    assertThat(sent).hasSize(3);
    for (Message m : sent) {
      assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
          .isEqualTo(resharded.laneFor(movedKey).id());
      assertThat(m.messageAttributes().get(Enqueuer.EPOCH_ATTRIBUTE).stringValue()).isEqualTo("1");
      assertThat(m.messageAttributes().get(Enqueuer.RING_ATTRIBUTE).stringValue())
          .isEqualTo(resharded.descriptor());
    }
  }

  @Test
  void withoutItTheConfiguredRingIsUsedUnstamped() {
    assertThat(enqueue("--ring-epochs=false")).isZero();

    List<Message> sent = drain();
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
        .isEqualTo(configured.laneFor(movedKey).id());
    assertThat(sent.get(0).messageAttributes()).doesNotContainKey(Enqueuer.EPOCH_ATTRIBUTE);
  }

  private int enqueue(String... more) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "enqueue",
                "--key",
                movedKey,
                "--type",
                "reserve",
                "--queue-url",
                stack.workQueueUrl(),
                "--lanes",
                Integer.toString(stack.lanes()),
                "--lease-table",
                stack.leaseTable()));
    all.addAll(List.of(more));
    StringWriter err = new StringWriter();
    CommandLine cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    assertThat(err.toString()).doesNotContain("error");
    return code;
  }

  /** Every message on the work queue, deleted once received. */
  private List<Message> drain() {
    List<Message> all = new ArrayList<>();
    while (true) {
      List<Message> batch =
          aws.sqs()
              .receiveMessage(
                  r ->
                      r.queueUrl(stack.workQueueUrl())
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(1)
                          .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                          .messageAttributeNames("All"))
              .messages();
      if (batch.isEmpty()) {
        return all;
      }
      for (Message m : batch) {
        all.add(m);
        aws.sqs()
            .deleteMessage(r -> r.queueUrl(stack.workQueueUrl()).receiptHandle(m.receiptHandle()));
      }
    }
  }
}
