package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.leader.LeaderElections;
import io.fenceq.leader.SqsTokenElector;
import io.fenceq.lease.LeaderElection;
import io.fenceq.lease.LeadershipListener;
import io.fenceq.queue.QueueNotFoundException;
import io.fenceq.tests.support.TestAws;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS-token leader on ElasticMQ over HTTP, with 1-second visibility timeouts: SQS's timer is
 * the only one, and every wait is a bounded number of rounds whose receive long-polls the emulator.
 * A leader killed, a leader paused past its visibility (its late write fenced on DynamoDB Local),
 * two contenders racing at start, the hand-over before SQS's limits, a duplicated and a lost token,
 * a missing queue.
 */
class SqsTokenLeaderTest {
  private static final Duration VISIBILITY = Duration.ofSeconds(1);
  private static final int MAX_ROUNDS = 30;

  private final SqsClient sqs = TestAws.get().sqs();
  private final List<Gained> gains = Collections.synchronizedList(new ArrayList<>());

  record Gained(String owner, long fence) {}

  private String newTokenQueue() {
    String name = "leader-token-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
    return sqs.createQueue(
            r ->
                r.queueName(name)
                    .attributes(
                        Map.of(
                            QueueAttributeName.FIFO_QUEUE, "true",
                            QueueAttributeName.VISIBILITY_TIMEOUT, "1")))
        .queueUrl();
  }

  private SqsTokenElector elector(String queueUrl, String owner, ManualTicker ticker) {
    LeaderElection election =
        LeaderElections.builder()
            .fromEnvironment(Map.of(LeaderElections.ELECTION, "sqs-token"))
            .sqs(sqs)
            .tokenQueueUrl(queueUrl)
            .name("cron")
            .owner(owner)
            .listener(
                new LeadershipListener() {
                  @Override
                  public void gained(long fence) {
                    gains.add(new Gained(owner, fence));
                  }

                  @Override
                  public void lost(String reason) {}
                })
            .tokenSettings(
                SqsTokenElector.builder()
                    .visibilityTimeout(VISIBILITY)
                    .heartbeatInterval(Duration.ofMillis(300))
                    .receiveWait(Duration.ofSeconds(1))
                    .resendAfter(Duration.ofMinutes(1))
                    .ticker(ticker))
            .build();
    assertThat(election).isInstanceOf(SqsTokenElector.class);
    return (SqsTokenElector) election;
  }

  private SqsTokenElector elector(String queueUrl, String owner) {
    return elector(queueUrl, owner, new ManualTicker());
  }

  /** Runs rounds until {@code e} leads; each round long-polls the emulator for up to 1 s. */
  private static long leadAfterRounds(SqsTokenElector e) {
    for (int i = 0; i < MAX_ROUNDS && !e.isLeader(); i++) {
      e.runRound();
    }
    assertThat(e.isLeader()).as("%s leads within %d rounds", e.owner(), MAX_ROUNDS).isTrue();
    return e.fence().getAsLong();
  }

  private int tokens(String queueUrl) {
    Map<QueueAttributeName, String> a =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return a.values().stream().mapToInt(Integer::parseInt).sum();
  }

  /** What the fence is built on, checked on the emulator before relying on it. */
  @Test
  void theEmulatorCountsReceivesOfOneMessageAndSequencesResentOnes() {
    String queue = newTokenQueue();
    sqs.sendMessage(
        r -> r.queueUrl(queue).messageGroupId("g").messageDeduplicationId("1").messageBody("a"));
    Message first = receiveOne(queue);
    assertThat(first.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
        .isEqualTo("1");
    // Visibility 0 returns it at once: the next receive is the same message, counted again.
    sqs.changeMessageVisibility(
        r -> r.queueUrl(queue).receiptHandle(first.receiptHandle()).visibilityTimeout(0));
    Message second = receiveOne(queue);
    assertThat(second.messageId()).isEqualTo(first.messageId());
    assertThat(second.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
        .isEqualTo("2");
    // While it is in flight, its group gives nothing, even a later message of the group.
    sqs.sendMessage(
        r -> r.queueUrl(queue).messageGroupId("g").messageDeduplicationId("2").messageBody("b"));
    assertThat(sqs.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(0)).messages()).isEmpty();
    sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(second.receiptHandle()));
    Message resent = receiveOne(queue);
    assertThat(resent.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
        .isEqualTo("1");
    assertThat(new java.math.BigInteger(seqOf(resent)))
        .isGreaterThan(new java.math.BigInteger(seqOf(first)));
  }

  private Message receiveOne(String queue) {
    List<Message> messages =
        sqs.receiveMessage(
                r ->
                    r.queueUrl(queue)
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
            .messages();
    assertThat(messages).hasSize(1);
    return messages.getFirst();
  }

  private static String seqOf(Message m) {
    return m.attributes().get(MessageSystemAttributeName.SEQUENCE_NUMBER);
  }

  @Test
  void twoContendersRacingAtStartMakeOneTokenAndOneLeader() throws Exception {
    String queue = newTokenQueue();
    try (SqsTokenElector a = elector(queue, "a");
        SqsTokenElector b = elector(queue, "b")) {
      a.start();
      b.start();
      awaitLeader(a, b);
      assertThat(tokens(queue)).as("both found the queue empty; one token was made").isEqualTo(1);
    }
    assertThat(gains).isNotEmpty();
    assertThat(gains).extracting(Gained::fence).doesNotHaveDuplicates().isSorted();
    assertThat(gains.getFirst().fence()).isEqualTo(fence(1, 1));
  }

  /** The token's fence: generation * 2^24 + receive count (docs/leader-election.md). */
  private static long fence(long generation, long receiveCount) {
    return (generation << 24) + receiveCount;
  }

  /** Bounded poll until one of {@code electors} leads; the emulator's timer decides when. */
  private static void awaitLeader(SqsTokenElector... electors) throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (java.util.Arrays.stream(electors).noneMatch(SqsTokenElector::isLeader)) {
      assertThat(System.nanoTime() - until).as("a leader within 30 s").isNegative();
      Thread.sleep(50);
    }
  }

  @Test
  void aKilledLeadersTokenReappearsAndItsSuccessorHasALargerFence() {
    String queue = newTokenQueue();
    SqsTokenElector a = elector(queue, "a");
    SqsTokenElector b = elector(queue, "b");
    long aFence = leadAfterRounds(a);
    // a is killed: no heartbeat, no release. b waits on SQS's visibility timer alone.
    long bFence = leadAfterRounds(b);
    assertThat(bFence).isGreaterThan(aFence);
    assertThat(tokens(queue)).isEqualTo(1);
    assertThat(gains).extracting(Gained::fence).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void aLeaderPausedPastItsVisibilityIsToldAndItsLateWriteIsFenced() {
    String queue = newTokenQueue();
    DynamoDbClient dynamoDb = TestAws.get().dynamoDb();
    String entities = TestAws.get().newEntityTable("token");
    DynamoDbFence fence = new DynamoDbFence(dynamoDb);
    Map<String, AttributeValue> key = Map.of("id", AttributeValue.fromS("report"));
    SqsTokenElector a = elector(queue, "a");
    SqsTokenElector b = elector(queue, "b");

    long aFence = leadAfterRounds(a);
    assertThat(fence.update(set(entities, key, "a's first"), new FenceToken(aFence, "1")))
        .isEqualTo(FenceResult.APPLIED);
    // a pauses: b receives the token once its visibility ran out, and writes.
    long bFence = leadAfterRounds(b);
    assertThat(bFence).isGreaterThan(aFence);
    assertThat(fence.update(set(entities, key, "b's"), new FenceToken(bFence, "2")))
        .isEqualTo(FenceResult.APPLIED);
    // a wakes up: the write it was making lands late and is refused; its heartbeat is refused.
    assertThat(fence.update(set(entities, key, "a's late"), new FenceToken(aFence, "3")))
        .isEqualTo(FenceResult.FENCED);
    assertThat(a.isLeader()).isTrue(); // no clock of a's decides: SQS tells it at its heartbeat
    a.runRound();
    assertThat(a.isLeader()).isFalse();
    assertThat(b.isLeader()).isTrue();
    b.runRound(); // b's heartbeat still holds the token
    assertThat(b.fence()).hasValue(bFence);
    assertThat(
            dynamoDb
                .getItem(r -> r.tableName(entities).key(key).consistentRead(true))
                .item()
                .get("value")
                .s())
        .isEqualTo("b's");
  }

  @Test
  void theLeaderHandsTheTokenOverToItselfWithALargerFenceBeforeSqsLimits() {
    String queue = newTokenQueue();
    ManualTicker ticker = new ManualTicker();
    SqsTokenElector a = elector(queue, "a", ticker);
    long first = leadAfterRounds(a);
    ticker.advance(Duration.ofMinutes(1));
    a.runRound(); // re-sends the next generation and deletes the held one
    assertThat(a.isLeader()).isFalse();
    long second = leadAfterRounds(a);
    assertThat(second).isGreaterThan(first);
    assertThat(tokens(queue)).isEqualTo(1);
  }

  @Test
  void aHandOverInterruptedBetweenSendAndDeleteLeavesTokensOfDistinctRisingGenerations() {
    String queue = newTokenQueue();
    ManualTicker bTicker = new ManualTicker();
    SqsTokenElector a = elector(queue, "a");
    SqsTokenElector b = elector(queue, "b", bTicker);
    long aFence = leadAfterRounds(a);
    assertThat(aFence).isEqualTo(fence(1, 1));
    // a hands over (generation 1 + receive count 1), then dies before deleting its token.
    sendToken(queue, 2);
    // b receives when a's token's visibility runs out. One receive may return both tokens of the
    // group: b keeps generation 2 and deletes a's. Or it gets a's alone (receive count 2) and
    // later hands it over as generation 1 + 2 = 3, not a second generation 2, and then deletes
    // generation 2 as older than the one it sent.
    long bFence = leadAfterRounds(b);
    assertThat(bFence).isIn(fence(2, 1), fence(1, 2));
    bTicker.advance(Duration.ofMinutes(1));
    b.runRound();
    long handedOver = leadAfterRounds(b);
    assertThat(handedOver).isEqualTo(fence(3, 1));
    assertThat(gains).extracting(Gained::fence).doesNotHaveDuplicates().isSorted();
    assertThat(tokens(queue)).isEqualTo(1);
  }

  /** The token of {@code generation} as the elector sends it, body and deduplication id. */
  private void sendToken(String queue, long generation) {
    sqs.sendMessage(
        r ->
            r.queueUrl(queue)
                .messageGroupId("cron")
                .messageDeduplicationId("fenceq-leader-cron-g" + generation)
                .messageBody("fenceq-leader-token v1 name=cron generation=" + generation));
  }

  @Test
  void aDuplicateTokenIsDeletedByTheHolderThatKnowsANewerGeneration() {
    String queue = newTokenQueue();
    ManualTicker ticker = new ManualTicker();
    SqsTokenElector a = elector(queue, "a", ticker);
    long first = leadAfterRounds(a);
    // An operator copies the token (same body, another deduplication id).
    Message copy = copyOfTheToken(queue);
    assertThat(tokens(queue)).isEqualTo(2);
    ticker.advance(Duration.ofMinutes(1));
    a.runRound(); // hand-over: next generation sent, held one deleted; the copy is now first
    long second = leadAfterRounds(a);
    assertThat(second).isGreaterThan(first);
    assertThat(tokens(queue)).as("the copy %s was deleted", copy.body()).isEqualTo(1);
  }

  private Message copyOfTheToken(String queue) {
    String body = "fenceq-leader-token v1 name=cron generation=1";
    sqs.sendMessage(
        r ->
            r.queueUrl(queue)
                .messageGroupId("cron")
                .messageDeduplicationId("operator-copy")
                .messageBody(body));
    return Message.builder().body(body).build();
  }

  @Test
  void aLostTokenIsRecreatedOnceByContendersThatRepairAtOnce() throws Exception {
    String queue = newTokenQueue();
    SqsTokenElector a = elector(queue, "a");
    SqsTokenElector b = elector(queue, "b");
    // Both have held the first generation: b once (as a scheduled function would), then a.
    assertThat(b.runIfLeader(f -> {})).isTrue();
    SqsTokenElector bAgain = b;
    long aFence = leadAfterRounds(a);
    sqs.purgeQueue(r -> r.queueUrl(queue)); // an operator deletes the token
    a.runRound();
    assertThat(a.isLeader()).as("a's heartbeat is refused once the token is gone").isFalse();

    int before = gains.size();
    // Both find the queue empty and repair at once, with the generation both know comes next.
    a.start();
    bAgain.start();
    awaitLeader(a, bAgain);
    long repaired = gains.get(before).fence();
    assertThat(repaired).isGreaterThan(aFence);
    assertThat(repaired).isEqualTo(fence(2, 1));
    assertThat(gains).extracting(Gained::fence).doesNotHaveDuplicates().isSorted();
    assertThat(tokens(queue)).isEqualTo(1);
    a.close();
    bAgain.close();
  }

  @Test
  void startingOnAMissingQueueFailsNamingIt() {
    String url = newTokenQueue();
    sqs.deleteQueue(r -> r.queueUrl(url));
    SqsTokenElector e = elector(url, "a");
    assertThatThrownBy(e::start)
        .isInstanceOf(QueueNotFoundException.class)
        .hasMessageContaining(url)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(e::runRound)
        .isInstanceOf(QueueNotFoundException.class)
        .hasMessageContaining(url);
  }

  @Test
  void theCronRunsOnTheTokenThroughTheSameInterface() {
    String queue = newTokenQueue();
    LeaderElection leader = elector(queue, "lambda");
    List<Long> ran = new ArrayList<>();
    assertThat(leader.runIfLeader(ran::add)).isTrue();
    assertThat(ran).hasSize(1);
    assertThat(leader.isLeader()).as("released after the task").isFalse();
    // Released with visibility 0: the next invocation leads at once, with a larger fence.
    assertThat(leader.runIfLeader(ran::add)).isTrue();
    assertThat(ran.get(1)).isGreaterThan(ran.get(0));
    leader.close();
  }

  private static UpdateItemRequest set(
      String table, Map<String, AttributeValue> key, String value) {
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(key)
        .updateExpression("SET #v = :v")
        .expressionAttributeNames(Map.of("#v", "value"))
        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)))
        .build();
  }
}
