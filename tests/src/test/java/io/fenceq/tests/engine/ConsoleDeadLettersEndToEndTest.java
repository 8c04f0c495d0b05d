package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.dlq.DeadLetters;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.local.console.ConsoleServer;
import io.fenceq.local.console.ConsoleState;
import io.fenceq.local.console.DeadLetterConsole;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's dead-letter endpoints over HTTP against the embedded stack: listing, one job, a
 * redrive and a delete each confirmed by the token of their dry run, the refusal of a key still on
 * the work queue, and the refusals of a read-only console and of a request from another origin.
 */
class ConsoleDeadLettersEndToEndTest {
  private static final Pattern TOKEN = Pattern.compile("\"token\":\"([0-9a-f]+)\"");

  private final TestAws aws = TestAws.get();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aRedriveAndADeleteTakeADryRunAndItsTokenAndAKeyOnTheWorkQueueIsRefused() throws Exception {
    TestStack stack = aws.newStack("consoledlq");
    HashRing ring = HashRing.of(stack.lanes());
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs("acct-a", 2, 0)).requireAllAccepted();
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs("acct-b", 1, 0)).requireAllAccepted();
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs("acct-c", 1, 0)).requireAllAccepted();
    assertThat(DeadLetterRedriveTest.deadLetterAll(aws, stack, ring)).isEqualTo(4);
    // acct-c has a later job waiting on the work queue: redriving it would reorder it.
    stack.enqueuer(aws.sqs()).enqueue(StepJournal.jobs("acct-c", 2, 0).get(1));

    try (ConsoleServer server = console(stack, true)) {
      String base = "http://127.0.0.1:" + server.port();
      String origin = base;

      HttpResponse<String> list = get(base + "/api/dlq");
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body())
          .contains("\"jobId\":\"acct-a:0\",\"key\":\"acct-a\",\"type\":\"step\"")
          .contains("\"attempts\":5")
          .contains("\"jobId\":\"acct-b:0\"")
          .contains("\"jobId\":\"acct-c:0\"");
      assertThat(get(base + "/api/dlq/job?jobId=acct-b:0").body())
          .contains("\"body\":\"{")
          .contains("acct-b:0");
      assertThat(get(base + "/api/dlq/job?jobId=nope").statusCode()).isEqualTo(404);
      assertThat(get(base + "/api/state").body()).contains("\"readOnly\":false");

      // Writes need the page's own origin.
      assertThat(post(base + "/api/dlq/redrive", "key=acct-a", null).statusCode()).isEqualTo(403);
      HttpResponse<String> foreign =
          post(base + "/api/dlq/redrive", "key=acct-a", "http://evil.example");
      assertThat(foreign.statusCode()).isEqualTo(403);
      assertThat(foreign.body()).contains("cross-origin");
      assertThat(get(base + "/api/dlq/redrive").statusCode()).isEqualTo(405);

      HttpResponse<String> dryRun = post(base + "/api/dlq/redrive", "key=acct-a", origin);
      assertThat(dryRun.statusCode()).isEqualTo(200);
      assertThat(dryRun.body())
          .contains("\"dryRun\":true")
          .contains("\"jobId\":\"acct-a:0\"")
          .contains("\"jobId\":\"acct-a:1\"");
      assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(4);
      String token = token(dryRun.body());

      // The token confirms only what it was issued for.
      HttpResponse<String> otherKey =
          post(base + "/api/dlq/redrive", "key=acct-b&token=" + token, origin);
      assertThat(otherKey.statusCode()).isEqualTo(409);
      assertThat(otherKey.body()).contains("issued for redrive of key acct-a");
      dryRun = post(base + "/api/dlq/redrive", "key=acct-a", origin);
      token = token(dryRun.body());
      HttpResponse<String> done =
          post(base + "/api/dlq/redrive", "key=acct-a&token=" + token, origin);
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body())
          .contains("\"dryRun\":false")
          .containsSubsequence("\"jobId\":\"acct-a:0\"", "\"jobId\":\"acct-a:1\"")
          .contains("\"lane\":\"" + ring.laneFor("acct-a").id() + "\"");
      assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(2);
      HttpResponse<String> again =
          post(base + "/api/dlq/redrive", "key=acct-a&token=" + token, origin);
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.body()).contains("already used");

      // A key still on the work queue: reported, not redriven, and nothing to confirm.
      HttpResponse<String> refused = post(base + "/api/dlq/redrive", "key=acct-c", origin);
      assertThat(refused.body())
          .contains("\"refused\":[{\"key\":\"acct-c\"")
          .contains("\"redriven\":[]")
          .contains("\"token\":null");

      HttpResponse<String> deletePlan = post(base + "/api/dlq/delete", "jobId=acct-b:0", origin);
      assertThat(deletePlan.body()).contains("\"dryRun\":true").contains("\"jobId\":\"acct-b:0\"");
      assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(2);
      HttpResponse<String> deleted =
          post(
              base + "/api/dlq/delete", "jobId=acct-b:0&token=" + token(deletePlan.body()), origin);
      assertThat(deleted.statusCode()).isEqualTo(200);
      assertThat(deleted.body()).contains("\"dryRun\":false").contains("\"jobId\":\"acct-b:0\"");
      assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isEqualTo(1);
    }
  }

  @Test
  void aReadOnlyConsoleRefusesEveryWriteWithAReason() throws Exception {
    TestStack stack = aws.newStack("consoledlqro");
    try (ConsoleServer server = console(stack, false)) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> refused = post(base + "/api/dlq/delete", "key=acct-a", base);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body())
          .isEqualTo("read-only console: start it with --allow-writes to redrive or delete");
      assertThat(get(base + "/api/state").body())
          .contains("\"readOnly\":true,\"deadLetters\":true");
      assertThat(get(base + "/api/dlq").statusCode()).isEqualTo(200);
    }
  }

  private ConsoleServer console(TestStack stack, boolean writes) {
    DeadLetters dlq =
        DeadLetters.builder()
            .sqs(aws.sqs())
            .deadLetterQueueUrl(stack.dlqUrl())
            .workQueueUrl(stack.workQueueUrl())
            .ring(HashRing.of(stack.lanes()))
            .leases(new LeaseTableReader(aws.dynamoDb(), stack.leaseTable()))
            .build();
    ConsoleState state =
        new ConsoleState(
            aws.dynamoDb(), stack.leaseTable(), aws.sqs(), stack.workQueueUrl(), stack.dlqUrl());
    return ConsoleServer.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        state,
        new DeadLetterConsole(dlq, writes, Clock.systemUTC()));
  }

  private static String token(String body) {
    Matcher m = TOKEN.matcher(body);
    assertThat(m.find()).as("a token in %s", body).isTrue();
    return m.group(1);
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String form, String origin)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (origin != null) {
      b.header("Origin", origin);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
