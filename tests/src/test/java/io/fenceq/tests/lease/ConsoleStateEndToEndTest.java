package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseStore;
import io.fenceq.local.console.ConsoleServer;
import io.fenceq.local.console.ConsoleState;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.ring.Lane;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code fenceq console}'s {@code /api/state} against the embedded stack, over HTTP. */
class ConsoleStateEndToEndTest {
  private final DynamoDbClient dynamoDb = TestAws.get().dynamoDb();
  private final SqsClient sqs = TestAws.get().sqs();

  @Test
  void apiStateShowsTheHeldLanesWithHolderAndFenceAndTheQueueCounts() throws Exception {
    TestStack stack = TestAws.get().newStack("console");
    LeaseStore worker =
        new Contenders(dynamoDb, stack.leaseTable()).contender(ExpiryMode.WALL_CLOCK_HINT);
    worker.acquire("lane#0003", "worker-a");
    Lease released = (Lease) worker.acquire("lane#0004", "worker-a");
    worker.release(released);
    worker.acquire("lane#0004", "worker-a");
    sqs.sendMessage(
        r ->
            r.queueUrl(stack.workQueueUrl())
                .messageBody("{}")
                .messageGroupId("lane#0003")
                .messageDeduplicationId("console-1"));
    Clock clock = Clock.fixed(Contenders.T0.plusSeconds(10), ZoneOffset.UTC);
    ConsoleState state =
        new ConsoleState(
            dynamoDb, stack.leaseTable(), sqs, stack.workQueueUrl(), stack.dlqUrl(), clock);

    try (ConsoleServer server =
        ConsoleServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), state)) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/state"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> write =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/state"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains(
              "{\"id\":\"lane#0003\",\"kind\":\"lane\",\"state\":\"held\",\"holder\":\"worker-a\",\"fence\":1,")
          .contains(
              "{\"id\":\"lane#0004\",\"kind\":\"lane\",\"state\":\"held\",\"holder\":\"worker-a\",\"fence\":2,")
          .contains(
              "\"queue\":{\"url\":\""
                  + stack.workQueueUrl()
                  + "\",\"visible\":1,\"inFlight\":0,\"delayed\":0}")
          .contains("\"dlq\":{\"url\":\"" + stack.dlqUrl() + "\",\"visible\":0,")
          .contains(
              "\"ring\":{\"epoch\":0,\"lanes\":null,\"previousLanes\":null,\"pendingBarriers\":[]}");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("fenceq console").doesNotContain("http://", "https://");
      assertThat(write.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void theRingShowsItsEpochAndTheBarriersAReshardStillWaitsFor() {
    TestStack stack = TestAws.get().newStack("consolering");
    Clock clock = Clock.fixed(Contenders.T0, ZoneOffset.UTC);
    ConsoleState state =
        new ConsoleState(
            dynamoDb,
            stack.leaseTable(),
            sqs,
            stack.workQueueUrl(),
            stack.dlqUrl(),
            clock,
            null,
            4);
    assertThat(state.read())
        .contains(
            "\"ring\":{\"epoch\":0,\"lanes\":4,\"previousLanes\":null,\"pendingBarriers\":[]}");

    RingConfigTable table = new RingConfigTable(dynamoDb, stack.leaseTable(), 4, clock);
    RingEpoch next = table.start(table.read(), 6);
    table.clearBarrier(next.epoch(), new Lane(2));

    assertThat(state.read())
        .contains(
            "\"ring\":{\"epoch\":1,\"lanes\":6,\"previousLanes\":4,"
                + "\"pendingBarriers\":[\""
                + new Lane(0).id()
                + "\",\""
                + new Lane(1).id()
                + "\",\""
                + new Lane(3).id()
                + "\"]}");
  }
}
