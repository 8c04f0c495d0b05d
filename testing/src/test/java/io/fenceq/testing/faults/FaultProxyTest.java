package io.fenceq.testing.faults;

import static io.fenceq.testing.faults.FaultTestAws.inventoryTable;
import static io.fenceq.testing.faults.FaultTestAws.skuExists;
import static io.fenceq.testing.faults.FaultTestAws.skuItem;
import static io.fenceq.testing.faults.FaultTestAws.uniqueSku;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.aws.AwsClients;
import io.fenceq.local.LocalAws;
import io.fenceq.testing.Eventually;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The real SDK, over its Apache client with keep-alive, through the proxy to the emulators. */
class FaultProxyTest {
  private static final LocalAws aws = FaultTestAws.aws();

  private static AwsClients.Target through(FaultProxy sqs, FaultProxy dynamoDb) {
    return new AwsClients.Target(
        sqs == null ? null : sqs.endpoint(),
        dynamoDb == null ? null : dynamoDb.endpoint(),
        aws.region(),
        aws.credentialsProvider());
  }

  private static void put(DynamoDbClient dynamoDb, String sku) {
    dynamoDb.putItem(r -> r.tableName(inventoryTable(aws)).item(skuItem(sku)));
  }

  @Test
  void callsPassThroughAndReuseTheirConnections() {
    try (FaultProxy proxy = FaultProxy.start("sqs", aws.sqsEndpoint());
        SqsClient sqs = AwsClients.sqs(through(proxy, null))) {
      for (int i = 0; i < 5; i++) {
        assertThat(sqs.listQueues().queueUrls()).isNotEmpty();
      }
      assertThat(proxy.connections()).as("keep-alive").isEqualTo(1);
      assertThat(proxy.delayedChunks()).isZero();
      assertThat(proxy.droppedBytes()).isZero();
    }
  }

  @Test
  void aDelayHoldsEachChunkOfTheRequestAndTheAnswerAtLeastThatLong() {
    Duration delay = Duration.ofMillis(300);
    try (FaultProxy proxy = FaultProxy.start("dynamodb-delay", aws.dynamoDbEndpoint());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(through(null, proxy))) {
      dynamoDb.listTables();
      proxy.delay(delay);

      dynamoDb.listTables();

      // The request's chunks, then the answer's, each held: a lower bound, whatever the speed.
      assertThat(proxy.delayedChunks()).isGreaterThanOrEqualTo(2);
      assertThat(proxy.delayedNanos())
          .isGreaterThanOrEqualTo(delay.toNanos() * proxy.delayedChunks());

      proxy.delay(Duration.ZERO);
      long chunks = proxy.delayedChunks();
      dynamoDb.listTables();
      assertThat(proxy.delayedChunks()).isEqualTo(chunks);
    }
  }

  @Test
  void aDropTimesCallsOutWithoutReachingTheServerAndHealingRestoresThem() throws Exception {
    String lost = uniqueSku("partitioned");
    String after = uniqueSku("healed");
    try (FaultProxy proxy = FaultProxy.start("dynamodb-drop", aws.dynamoDbEndpoint());
        DynamoDbClient dynamoDb =
            AwsClients.dynamoDb(
                through(null, proxy),
                AwsClients.Options.builder()
                    .apiCallAttemptTimeout(Duration.ofMillis(500))
                    .maxAttempts(2)
                    .build())) {
      dynamoDb.listTables();
      proxy.drop(true);

      assertThatThrownBy(() -> put(dynamoDb, lost)).isInstanceOf(SdkClientException.class);
      assertThat(proxy.droppedBytes()).isPositive();
      assertThat(proxy.droppedConnections()).isPositive();
      assertThat(proxy.connections()).as("the retry opened a new connection").isGreaterThan(1);

      proxy.heal();
      put(dynamoDb, after);
    }
    assertThat(skuExists(aws, lost)).isFalse();
    assertThat(skuExists(aws, after)).isTrue();
  }

  @Test
  void aConnectionThatLostBytesIsResetWhenTheDropEndsAndAnIdleOneIsNot() throws Exception {
    try (FaultProxy proxy = FaultProxy.start("raw", aws.sqsEndpoint());
        Socket damaged = new Socket("127.0.0.1", proxy.endpoint().getPort());
        Socket idle = new Socket("127.0.0.1", proxy.endpoint().getPort())) {
      Eventually.until("both connections are open", () -> proxy.openConnections() == 2);
      proxy.drop(true);
      damaged
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Eventually.until("the request was dropped", () -> proxy.droppedBytes() > 0);

      proxy.drop(false);

      assertThat(proxy.resets()).isEqualTo(1);
      InputStream in = damaged.getInputStream();
      assertThatThrownBy(
              () -> {
                if (in.read() < 0) {
                  throw new java.io.EOFException("closed");
                }
              })
          .isInstanceOf(java.io.IOException.class);
      Eventually.until("only the idle connection is left", () -> proxy.openConnections() == 1);
      assertThat(idle.isClosed()).isFalse();
    }
  }

  @Test
  void aHoldDeliversTheRequestAndItsAnswerLateOnTheSameConnection() throws Exception {
    String sku = uniqueSku("held");
    try (FaultProxy proxy = FaultProxy.start("dynamodb-hold", aws.dynamoDbEndpoint());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(through(null, proxy))) {
      dynamoDb.listTables();
      proxy.hold(true);
      assertThat(proxy.holding()).isTrue();

      CompletableFuture<Void> write = CompletableFuture.runAsync(() -> put(dynamoDb, sku));
      Eventually.until("the request waits in the proxy", () -> proxy.heldChunks() > 0);
      assertThat(skuExists(aws, sku)).as("written during the hold").isFalse();
      assertThat(write).isNotDone();

      proxy.hold(false);
      write.get(30, TimeUnit.SECONDS);
      assertThat(skuExists(aws, sku)).isTrue();
      assertThat(proxy.connections()).as("one connection throughout").isEqualTo(1);
      assertThat(proxy.resets()).isZero();
      assertThat(proxy.droppedBytes()).isZero();
    }
  }

  @Test
  void aRequestHeldPastItsClientsTimeoutStillReachesTheServerWhenTheHoldEnds() {
    String zombie = uniqueSku("zombie");
    try (FaultProxy proxy = FaultProxy.start("dynamodb-zombie", aws.dynamoDbEndpoint());
        DynamoDbClient dynamoDb =
            AwsClients.dynamoDb(
                through(null, proxy),
                AwsClients.Options.builder()
                    .apiCallAttemptTimeout(Duration.ofMillis(300))
                    .maxAttempts(1)
                    .build())) {
      dynamoDb.listTables();
      proxy.hold(true);

      assertThatThrownBy(() -> put(dynamoDb, zombie)).isInstanceOf(SdkClientException.class);
      assertThat(skuExists(aws, zombie)).isFalse();

      proxy.hold(false);
      // The client gave up, yet its write arrives: what a fence must refuse after a pause.
      Eventually.until("the held write reaches the server", () -> skuExists(aws, zombie));
    }
  }

  @Test
  void aTimedHoldEndsByItself() {
    try (FaultProxy proxy = FaultProxy.start("dynamodb-hold-for", aws.dynamoDbEndpoint());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(through(null, proxy))) {
      dynamoDb.listTables();
      proxy.holdFor(Duration.ofMillis(200));

      assertThat(dynamoDb.listTables().tableNames()).isNotEmpty();
      assertThat(proxy.heldChunks()).isPositive();
      assertThat(proxy.holding()).isFalse();
      assertThatThrownBy(() -> proxy.holdFor(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("dynamodb-hold-for");
    }
  }

  @Test
  void retargetingClosesTheOpenConnectionsAndSendsNewOnesToTheNewUpstream() throws Exception {
    try (FaultProxy proxy = FaultProxy.start("moved", aws.sqsEndpoint());
        Socket before = new Socket("127.0.0.1", proxy.port());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(through(null, proxy))) {
      Eventually.until("the connection is open", () -> proxy.openConnections() == 1);

      proxy.retarget(aws.dynamoDbEndpoint());

      assertThat(before.getInputStream().read()).as("closed by the retarget").isEqualTo(-1);
      assertThat(dynamoDb.listTables().tableNames()).contains(inventoryTable(aws));
    }
  }

  @Test
  void closingEndsItsThreads() throws Exception {
    FaultProxy proxy = FaultProxy.start("closing", aws.sqsEndpoint());
    try (SqsClient sqs = AwsClients.sqs(through(proxy, null))) {
      sqs.listQueues();
      proxy.close();
      proxy.close();
    }
    Eventually.until(
        "no proxy thread is left",
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("fenceq-proxy-closing-")));
  }
}
