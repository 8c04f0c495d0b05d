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
