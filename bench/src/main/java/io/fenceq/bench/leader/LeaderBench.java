package io.fenceq.bench.leader;

import io.fenceq.bench.support.ApiCalls;
import io.fenceq.bench.support.BenchClients;
import io.fenceq.bench.support.Report;
import io.fenceq.bench.support.Stats;
import io.fenceq.leader.SqsTokenElector;
import io.fenceq.lease.LeaderElector;
import io.fenceq.lease.LeadershipListener;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.local.LocalAws;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * {@code bench/run leader}: three contenders per elector kind, the DynamoDB {@link LeaderElector}
 * (lease = L) and the {@link SqsTokenElector} (visibility timeout = L), each driven by a thread of
 * its own that runs its rounds as {@code start()} would. Per round and kind: the leader crashes
 * (stops its rounds without releasing, as after SIGKILL) and the time until another contender gains
 * leadership is measured; then a new leader is paused for 2 L and the same is measured, with the
 * time the paused leader takes, once resumed, to know it lost. Then a steady window counts every
 * AWS request of the three contenders per hour of leadership.
 */
public final class LeaderBench {
  private static final int CONTENDERS = 3;
  private static final Duration HOLD = Duration.ofSeconds(5);
  private static final Duration RECEIVE_WAIT = Duration.ofSeconds(10);
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private final Report report;
  private final int rounds;
  private final Duration steady;

  public LeaderBench(Report report, boolean smoke, int rounds, int steadySeconds) {
    this.report = report;
    this.rounds = smoke ? 1 : rounds;
    this.steady = Duration.ofSeconds(smoke ? 5 : steadySeconds);
  }

  enum Kind {
    DYNAMODB("DynamoDB lease"),
    SQS_TOKEN("SQS token");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  public void run() throws InterruptedException {
    report.parameter("contenders per kind", CONTENDERS);
    report.parameter(
        "lease (DynamoDB) and visibility timeout (SQS token)",
        HOLD.toSeconds() + " s, renewed or extended every third of it");
    report.parameter("SQS contenders' receive long poll", RECEIVE_WAIT.toSeconds() + " s");
    report.parameter("rounds (one crash and one pause each, per kind)", rounds);
    report.parameter("steady window for requests", steady.toSeconds() + " s");
    report.progress("starting the emulators");
    try (LocalAws aws = LocalAws.builder().stackName("fenceq-leader").start()) {
      Map<Kind, List<Double>> crash = new LinkedHashMap<>();
      Map<Kind, List<Double>> pause = new LinkedHashMap<>();
      Map<Kind, List<Double>> learn = new LinkedHashMap<>();
      Map<Kind, double[]> perHour = new LinkedHashMap<>();
      for (Kind kind : Kind.values()) {
        crash.put(kind, new ArrayList<>());
        pause.put(kind, new ArrayList<>());
        learn.put(kind, new ArrayList<>());
      }
      for (int round = 1; round <= rounds; round++) {
        for (Kind kind : Kind.values()) {
          try (Group group = new Group(aws, kind, "r" + round)) {
            report.progress("round %d/%d %s: crashing the leader", round, rounds, kind.label);
            Contender first = group.awaitLeader(null);
            first.crash();
            Contender second = group.awaitLeader(first);
            crash.get(kind).add(second.sinceSeconds(first.stoppedAt));
            report.progress("round %d/%d %s: pausing the leader", round, rounds, kind.label);
            second.pause();
            Contender third = group.awaitLeader(second);
            pause.get(kind).add(third.sinceSeconds(second.stoppedAt));
            // Keep it paused for 2 L in all, then let it run again and see when it knows.
            long resumeAt = second.stoppedAt + HOLD.multipliedBy(2).toNanos();
            Thread.sleep(Math.max(0, (resumeAt - System.nanoTime()) / 1_000_000));
            long resumed = second.resume();
            learn.get(kind).add(second.awaitNotLeader(resumed));
          }
        }
      }
      for (Kind kind : Kind.values()) {
        try (Group group = new Group(aws, kind, "steady")) {
          report.progress("%s: counting requests for %d s", kind.label, steady.toSeconds());
          perHour.put(kind, group.requestsPerHour(steady));
        }
      }
      List<List<String>> rows = new ArrayList<>();
      Map<String, Object> result = new LinkedHashMap<>();
      for (Kind kind : Kind.values()) {
        double[] calls = perHour.get(kind);
        rows.add(
            List.of(
                kind.label,
                Report.format(Stats.median(crash.get(kind))),
                Report.format(Stats.max(crash.get(kind))),
                Report.format(Stats.median(pause.get(kind))),
                Report.format(Stats.median(learn.get(kind))),
                Report.format(calls[0]),
                Report.format(calls[1])));
        String k = kind == Kind.DYNAMODB ? "dynamodb" : "sqs";
        result.put(k + "_crash_failover_median_s", Stats.median(crash.get(kind)));
        result.put(k + "_pause_failover_median_s", Stats.median(pause.get(kind)));
        result.put(k + "_paused_learns_s", Stats.median(learn.get(kind)));
        result.put(k + "_leader_requests_per_h", calls[0]);
        result.put(k + "_all_requests_per_h", calls[1]);
      }
      report.table(
          "Failover and requests per hour of leadership (3 contenders, L = "
              + HOLD.toSeconds()
              + " s)",
          List.of(
              "elector",
              "crash failover median s",
              "crash failover max s",
              "pause failover median s",
              "paused leader learns after resume, s",
              "leader requests/h",
              "all 3 contenders requests/h"),
          rows);
      report.note(
          "Reading it",
          """
          Crash: the leader stops without releasing; the DynamoDB contenders retry when the
          refusal said the lease ends, the SQS contenders are long-polling and receive the token
          when SQS makes it visible again. Both take about L after the last renewal or heartbeat.
          Pause: the same from the others' side; the paused leader, resumed, knows at once with
          DynamoDB (its lease ran out on its own ticker) and at its next heartbeat with the token
          (no client clock decides; SQS refuses the heartbeat). Requests: the DynamoDB leader
          renews every L/3 and its contenders ask once per lease; the token's leader extends
          every L/3 and each contender long-polls, one receive per poll.""");
      result.put("hold_s", (double) HOLD.toSeconds());
      report.result(result);
    }
  }

  /** Three contenders of one kind on fresh state, each driven by its own thread. */
  private final class Group implements AutoCloseable {
    final List<Contender> contenders = new ArrayList<>();
    final List<ApiCalls> calls = new ArrayList<>();
    final List<SdkAutoCloseable> clients = new ArrayList<>();

    Group(LocalAws aws, Kind kind, String tag) {
      String tokenQueue = null;
      if (kind == Kind.SQS_TOKEN) {
        tokenQueue =
            aws.sqsClient()
                .createQueue(
                    r ->
                        r.queueName("fenceq-leader-token-" + tag + ".fifo")
                            .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                .queueUrl();
      }
      String table = aws.environment().get("FENCEQ_LEASE_TABLE");
      for (int i = 0; i < CONTENDERS; i++) {
        ApiCalls counter = new ApiCalls();
        calls.add(counter);
        String owner = kind.name().toLowerCase() + "-" + tag + "-" + i;
        Contender c = new Contender(owner);
        if (kind == Kind.DYNAMODB) {
          DynamoDbClient dynamoDb = BenchClients.dynamoDb(aws, counter);
          clients.add(dynamoDb);
          LeaseStore store =
              LeaseStore.builder()
                  .dynamoDb(dynamoDb)
                  .table(table)
                  .config(LeaseConfig.builder().leaseDuration(HOLD).build())
                  .build();
          LeaderElector e =
              LeaderElector.builder()
                  .store(store)
                  .name("bench-" + tag)
                  .owner(owner)
                  .listener(c)
                  .build();
          c.drive(e::runRound);
        } else {
          SqsClient sqs = BenchClients.sqs(aws, counter);
          clients.add(sqs);
          SqsTokenElector e =
              SqsTokenElector.builder()
                  .sqs(sqs)
                  .queueUrl(tokenQueue)
                  .name("bench-" + tag)
                  .owner(owner)
                  .listener(c)
                  .visibilityTimeout(HOLD)
                  .receiveWait(RECEIVE_WAIT)
                  .build();
          c.drive(e::runRound);
        }
        contenders.add(c);
      }
    }

    /** Waits for a running contender other than {@code not} to lead. */
    Contender awaitLeader(Contender not) throws InterruptedException {
      long until = System.nanoTime() + LIMIT.toNanos();
      while (System.nanoTime() < until) {
        for (Contender c : contenders) {
          if (c != not && c.running() && c.isLeader.get()) {
            return c;
          }
        }
        Thread.sleep(5);
      }
      throw new IllegalStateException("no new leader within " + LIMIT.toSeconds() + " s");
    }

    /** {leader's requests per hour, all contenders' requests per hour} over a steady window. */
    double[] requestsPerHour(Duration window) throws InterruptedException {
      Contender leader = awaitLeader(null);
      long[] before = calls.stream().mapToLong(ApiCalls::count).toArray();
      Thread.sleep(window.toMillis());
      double scale = 3600.0 / window.toSeconds();
      int li = contenders.indexOf(leader);
      double all = 0;
      for (int i = 0; i < calls.size(); i++) {
        all += calls.get(i).count() - before[i];
      }
      return new double[] {(calls.get(li).count() - before[li]) * scale, all * scale};
    }

    @Override
    public void close() throws InterruptedException {
      for (Contender c : contenders) {
        c.stop();
      }
      for (SdkAutoCloseable client : clients) {
        client.close();
      }
    }
  }

  /**
   * One contender: a thread running rounds while not crashed or paused, and the times it gained and
   * lost leadership.
   */
  private static final class Contender implements LeadershipListener {
    final String owner;
    final AtomicLong gainedAt = new AtomicLong();
    final AtomicLong lostAt = new AtomicLong();
    final AtomicBoolean isLeader = new AtomicBoolean();
    volatile boolean crashed;
    volatile boolean paused;
    volatile boolean stopped;
    volatile long stoppedAt;
    Thread thread;

    Contender(String owner) {
      this.owner = owner;
    }

    void drive(Supplier<Duration> round) {
      thread =
          Thread.ofPlatform()
              .name("bench-" + owner)
              .daemon(true)
              .start(
                  () -> {
                    while (!stopped && !crashed) {
                      if (paused) {
                        sleep(Duration.ofMillis(5));
                        continue;
                      }
                      Duration wait;
                      try {
                        wait = round.get();
                      } catch (RuntimeException e) {
                        wait = HOLD.dividedBy(3);
                      }
                      if (paused || crashed) {
                        continue;
                      }
                      sleep(wait);
                    }
                  });
    }

    boolean running() {
      return !crashed && !paused && !stopped;
    }

    void crash() {
      stoppedAt = System.nanoTime();
      crashed = true;
    }

    void pause() {
      stoppedAt = System.nanoTime();
      paused = true;
    }

    long resume() {
      long now = System.nanoTime();
      paused = false; // its loop looks every 5 ms and runs its next round at once
      return now;
    }

    double sinceSeconds(long start) {
      return (gainedAt.get() - start) / 1e9;
    }

    /** Seconds from {@code resumed} until this contender was told it lost. */
    double awaitNotLeader(long resumed) throws InterruptedException {
      long until = System.nanoTime() + LIMIT.toNanos();
      while (isLeader.get() && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      return isLeader.get() ? Double.POSITIVE_INFINITY : Math.max(0, lostAt.get() - resumed) / 1e9;
    }

    void stop() throws InterruptedException {
      stopped = true;
      thread.interrupt();
      thread.join(LIMIT.toMillis());
    }

    @Override
    public void gained(long fence) {
      gainedAt.set(System.nanoTime());
      isLeader.set(true);
    }

    @Override
    public void lost(String reason) {
      lostAt.set(System.nanoTime());
      isLeader.set(false);
    }

    private static void sleep(Duration d) {
      try {
        Thread.sleep(Math.max(0, d.toMillis()));
      } catch (InterruptedException e) {
        // A resume or stop: go round the loop again.
      }
    }
  }
}
