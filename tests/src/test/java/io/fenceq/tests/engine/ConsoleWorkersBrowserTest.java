package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.aws.AwsClients;
import io.fenceq.dlq.DeadLetters;
import io.fenceq.engine.JobHandler;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.local.console.ConsoleServer;
import io.fenceq.local.console.ConsoleState;
import io.fenceq.local.console.ConsoleStats;
import io.fenceq.local.console.DeadLetterConsole;
import io.fenceq.metrics.Metrics;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.stats.StatsReader;
import io.fenceq.testing.Eventually;
import io.fenceq.testing.faults.CrashSwitch;
import io.fenceq.tests.support.ConsoleBrowser;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.worker.Worker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The console page in headless chromium against the embedded stack with real workers: a lane's
 * holder and fence follow a takeover after its worker crashed without releasing, and a poison job
 * is dead-lettered, redriven from the page with its confirmation once its handler is fixed, and
 * applied. Skipped without chromium and chromedriver. Every wait is bounded; the lease (2 s) and
 * the queue's visibility timeout (5 s) are short so that the takeover does not wait on defaults.
 */
class ConsoleWorkersBrowserTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration VISIBILITY = Duration.ofSeconds(5);
  private static final Duration PAGE_WAIT = Duration.ofSeconds(90);
  private static final Pattern FENCE = Pattern.compile("fence (\\d+)");
  private static final String HOLD = "hold";

  private final TestAws aws = TestAws.get();

  @Test
  void theGridShowsTheNewHolderAndAHigherFenceAfterAHolderCrashes() throws Exception {
    ConsoleBrowser.assumeAvailable();
    // A dead worker's message comes back after the queue's visibility timeout: short, for the test.
    TestStack stack =
        aws.newStack(
            "consolefailover",
            Map.of("VisibilityTimeoutSeconds", Long.toString(VISIBILITY.toSeconds())));
    String key = "acct-hold";
    String leaseId = LaneLeases.leaseId(HashRing.of(stack.lanes()).laneFor(key));
    String tile = "[data-lease='" + leaseId + "']";
    CountDownLatch release = new CountDownLatch(1);
    // The job holds its lane until the test is done with it, so the lease stays held.
    JobHandler hold =
        (job, context) -> {
          if (!release.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the test never released job " + job.jobId());
          }
        };
    CrashSwitch crash = CrashSwitch.named("worker-a");
    try (SqsClient crashSqs = AwsClients.sqs(target(), List.of(crash));
        DynamoDbClient crashDynamoDb = AwsClients.dynamoDb(target(), List.of(crash));
        Workers workers = new Workers(aws, stack);
        ConsoleServer server = ConsoleServer.start(loopback(), state(stack));
        ConsoleBrowser browser = ConsoleBrowser.open(1200, 900)) {
      Worker a =
          Worker.builder()
              .config(workers.config().leaseDuration(LEASE).build())
              .sqs(crashSqs)
              .dynamoDb(crashDynamoDb)
              .handlers(Map.of(HOLD, crash.wrap(hold)))
              .build()
              .start();
      stack.enqueuer(aws.sqs()).enqueue(JobRequest.ofJson(key, HOLD, "{}").withJobId(key + ":0"));
      WebDriver page = browser.driver();
      page.get("http://127.0.0.1:" + server.port() + "/");
      browser.waitUpTo(PAGE_WAIT).until(b -> a.workerId().equals(text(b, tile + " .holder")));
      long fenceOfA = fence(text(page, tile + " .id"));

      // Crashed as a killed process would be: no release, no delete, no visibility change.
      crash.trip();
      a.shutdown();
      Worker b = workers.start(workers.config().leaseDuration(LEASE).build(), Map.of(HOLD, hold));
      browser.waitUpTo(PAGE_WAIT).until(d -> b.workerId().equals(text(d, tile + " .holder")));

      assertThat(fence(text(page, tile + " .id"))).isGreaterThan(fenceOfA);
      assertThat(page.findElement(By.cssSelector(tile)).getAttribute("class"))
          .isEqualTo("lane held");
      release.countDown();
      a.stopped().get(1, TimeUnit.MINUTES);
    } finally {
      release.countDown();
    }
  }

  @Test
  void aPoisonJobIsRedrivenFromThePageAfterItsHandlerIsFixedAndApplied() throws Exception {
    ConsoleBrowser.assumeAvailable();
    TestStack stack = aws.newStack("consoleredrive");
    String key = "acct-poison";
    StepJournal journal = new StepJournal(aws.dynamoDb(), stack.inventoryTable());
    AtomicBoolean broken = new AtomicBoolean(true);
    JobHandler step =
        (job, context) -> {
          if (broken.get()) {
            throw new IllegalStateException("downstream rejects " + job.jobId());
          }
          journal.step(job, context);
        };
    try (Workers workers = new Workers(aws, stack);
        ConsoleServer server =
            ConsoleServer.start(
                loopback(),
                stateWithStats(stack),
                new DeadLetterConsole(dlq(stack), true, Clock.systemUTC()));
        ConsoleBrowser browser = ConsoleBrowser.open(1200, 1500)) {
      workers
          .publishStats(true)
          .start(workers.config().maxAttempts(2).build(), Map.of(StepJournal.TYPE, step));
      stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs(key, 1, 0)).requireAllAccepted();
      Eventually.await(
          "the poison job to be dead-lettered",
          Duration.ofMinutes(1),
          () -> QueueState.messages(aws.sqs(), stack.dlqUrl()) == 1,
          workers::progress);
      broken.set(false);

      WebDriver page = browser.driver();
      page.get("http://127.0.0.1:" + server.port() + "/");
      browser.waitUpTo(PAGE_WAIT).until(d -> "writes allowed".equals(text(d, "#mode")));
      page.findElement(By.id("dlq-read")).click();
      String row = "#dlq-jobs tr[data-job='" + key + ":0']";
      WebElement job = browser.waitUpTo(PAGE_WAIT).until(d -> d.findElement(By.cssSelector(row)));
      assertThat(job.getText()).contains(key, StepJournal.TYPE, "downstream rejects");

      job.findElement(By.cssSelector(".redrive-key")).click();
      browser.waitUpTo(PAGE_WAIT).until(d -> d.findElement(By.id("dlq-confirm")).isDisplayed());
      assertThat(text(page, "#dlq-plan")).contains("would redrive: 1 job(s)", key + ":0");
      // Nothing happens before the confirmation.
      assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(1);
      page.findElement(By.id("dlq-confirm-yes")).click();
      browser.waitUpTo(PAGE_WAIT).until(d -> text(d, "#dlq-result").contains("redriven: 1 job(s)"));

      Eventually.await(
          "the redriven job to be applied",
          Duration.ofMinutes(1),
          () -> journal.journal(key).equals(List.of(0)),
          workers::progress);
      assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();
      assertThat(page.findElements(By.cssSelector(row))).isEmpty();

      // The worker's published stats: charts, and the lane's applied count in the backlog table.
      String lane = LaneLeases.leaseId(HashRing.of(stack.lanes()).laneFor(key));
      String laneRow = "#backlog tr[data-lane='" + lane + "']";
      browser.waitUpTo(PAGE_WAIT).until(d -> !d.findElements(By.cssSelector(laneRow)).isEmpty());
      assertThat(text(page, "#stats-workers")).startsWith("1 worker(s) publishing");
      assertThat(page.findElements(By.cssSelector("#charts [data-chart] svg polyline"))).hasSize(4);
      assertThat(text(page, laneRow)).isEqualTo(lane + " 0 1 0");
      assertThat(page.findElement(By.id("backlog-warning")).isDisplayed()).isFalse();
      browser.screenshotIfAsked();
    }
  }

  private static String text(WebDriver page, String css) {
    List<WebElement> found = page.findElements(By.cssSelector(css));
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  private static long fence(String idLine) {
    Matcher m = FENCE.matcher(idLine);
    assertThat(m.find()).as("a fence in %s", idLine).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  private ConsoleState state(TestStack stack) {
    return new ConsoleState(
        aws.dynamoDb(), stack.leaseTable(), aws.sqs(), stack.workQueueUrl(), stack.dlqUrl());
  }

  private ConsoleState stateWithStats(TestStack stack) {
    return new ConsoleState(
        aws.dynamoDb(),
        stack.leaseTable(),
        aws.sqs(),
        stack.workQueueUrl(),
        stack.dlqUrl(),
        Clock.systemUTC(),
        new ConsoleStats(
            new StatsReader(aws.dynamoDb(), stack.leaseTable()),
            Clock.systemUTC(),
            Metrics.none(),
            "work"));
  }

  private DeadLetters dlq(TestStack stack) {
    return DeadLetters.builder()
        .sqs(aws.sqs())
        .deadLetterQueueUrl(stack.dlqUrl())
        .workQueueUrl(stack.workQueueUrl())
        .ring(HashRing.of(stack.lanes()))
        .leases(new LeaseTableReader(aws.dynamoDb(), stack.leaseTable()))
        .build();
  }

  private AwsClients.Target target() {
    Map<String, String> env = aws.awsEnvironment();
    return new AwsClients.Target(
        URI.create(env.get("AWS_ENDPOINT_URL_SQS")),
        URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB")),
        Region.of(env.get("AWS_REGION")),
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(
                env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))));
  }
}
