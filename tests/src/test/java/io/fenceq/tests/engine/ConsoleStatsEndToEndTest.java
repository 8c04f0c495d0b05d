package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.lease.LeaseTableReader;
import io.fenceq.local.console.ConsoleServer;
import io.fenceq.local.console.ConsoleState;
import io.fenceq.local.console.ConsoleStats;
import io.fenceq.metrics.Metrics;
import io.fenceq.queue.Enqueuer;
import io.fenceq.ring.HashRing;
import io.fenceq.stats.LaneBacklogs;
import io.fenceq.stats.LaneStats;
import io.fenceq.stats.StatsItems;
import io.fenceq.stats.StatsPublisher;
import io.fenceq.stats.StatsReader;
import io.fenceq.stats.StatsSnapshot;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.worker.Worker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Throughput stats end to end: a producer's per-lane enqueued counts and a worker's totals and
 * per-lane applied counts reach the lease table's stats items, the lease readers skip them, and the
 * console shows them with each lane's backlog and reports the deepest backlog as a metric.
 */
class ConsoleStatsEndToEndTest {
  private final TestAws aws = TestAws.get();

  @Test
  void producerAndWorkerStatsReachTheTableAndTheConsole() throws Exception {
    TestStack stack = aws.newStack("consolestats");
    HashRing ring = HashRing.of(stack.lanes());
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    Worker worker;
    try (Workers workers = new Workers(aws, stack);
        StatsPublisher producer =
            StatsPublisher.builder()
                .dynamoDb(aws.dynamoDb())
                .table(stack.leaseTable())
                .interval(Duration.ofSeconds(1))
                .build()
                .start()) {
      Enqueuer enqueuer =
          Enqueuer.builder()
              .sqs(aws.sqs())
              .queueUrl(stack.workQueueUrl())
              .ring(ring)
              .stats(producer)
              .build();
      enqueuer.enqueueAll(StepJournal.jobs("acct-a", 6, 0)).requireAllAccepted();
      enqueuer.enqueueAll(StepJournal.jobs("acct-b", 4, 0)).requireAllAccepted();
      worker =
          Worker.builder()
              .config(workers.config().build())
              .sqs(aws.sqs())
              .dynamoDb(aws.dynamoDb())
              .handlers(journal.handlers())
              .publishStats(true)
              .build()
              .start();
      Eventually.await(
          "the jobs to be applied",
          Duration.ofMinutes(1),
          () -> journal.journal("acct-a").size() == 6 && journal.journal("acct-b").size() == 4,
          worker::progress);
      // A stop writes the worker's last counts, and a close the producer's.
      worker.shutdown().get(1, TimeUnit.MINUTES);
      producer.close();
      producer.close(); // idempotent
    }

    StatsSnapshot stats = new StatsReader(aws.dynamoDb(), stack.leaseTable()).read(Instant.now());
    assertThat(stats.workers())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.workerId()).isEqualTo(worker.workerId());
              assertThat(w.applied()).isEqualTo(10);
              assertThat(w.failures()).isZero();
              assertThat(w.queue())
                  .isEqualTo(
                      stack.workQueueUrl().substring(stack.workQueueUrl().lastIndexOf('/') + 1));
            });
    int laneA = ring.laneFor("acct-a").index();
    int laneB = ring.laneFor("acct-b").index();
    assertThat(stats.lanes().stream().mapToLong(LaneStats::enqueued).sum()).isEqualTo(10);
    assertThat(stats.lanes().stream().mapToLong(LaneStats::applied).sum()).isEqualTo(10);
    assertThat(stats.lanes()).extracting(LaneStats::lane).contains(laneA, laneB);
    assertThat(stats.lanes()).allSatisfy(l -> assertThat(l.backlog()).isZero());
    // The lease readers do not take the stats items for leases.
    assertThat(new LeaseTableReader(aws.dynamoDb(), stack.leaseTable()).list())
        .noneMatch(l -> l.id().startsWith(StatsItems.PREFIX));
    // Past its expiry, a worker's item is left out.
    assertThat(
            new StatsReader(aws.dynamoDb(), stack.leaseTable())
                .read(Instant.now().plus(Duration.ofMinutes(11)))
                .workers())
        .isEmpty();

    Map<String, Long> reported = new ConcurrentHashMap<>();
    Metrics recording =
        new Metrics() {
          @Override
          public void count(String name, long n, Map<String, String> dimensions) {
            reported.put(name + " " + dimensions, n);
          }

          @Override
          public void timing(String name, Duration duration, Map<String, String> dimensions) {}
        };
    ConsoleState state =
        new ConsoleState(
            aws.dynamoDb(),
            stack.leaseTable(),
            aws.sqs(),
            stack.workQueueUrl(),
            stack.dlqUrl(),
            Clock.systemUTC(),
            new ConsoleStats(
                new StatsReader(aws.dynamoDb(), stack.leaseTable()),
                Clock.systemUTC(),
                recording,
                "work"));
    try (ConsoleServer server =
        ConsoleServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), state)) {
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/api/state"))
                      .timeout(Duration.ofSeconds(30))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(body)
          .contains("\"workerId\":\"" + worker.workerId() + "\",\"applied\":10,\"failures\":0")
          .contains(
              String.format(
                  "{\"lane\":\"lane#%04d\",\"enqueued\":6,\"applied\":6,\"backlog\":0,"
                      + "\"nearScanWindow\":false}",
                  laneA))
          .doesNotContain("\"id\":\"stats#");
    }
    assertThat(reported)
        .containsEntry(LaneBacklogs.MAX_LANE_BACKLOG + " {queue=work}", 0L)
        .containsEntry(LaneBacklogs.LANES_NEAR_SCAN_WINDOW + " {queue=work}", 0L);
    assertThat(List.of(laneA, laneB)).doesNotHaveDuplicates();
  }
}
