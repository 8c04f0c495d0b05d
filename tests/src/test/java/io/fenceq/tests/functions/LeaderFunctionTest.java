package io.fenceq.tests.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.fenceq.functions.FunctionConfigException;
import io.fenceq.functions.LeaderFunction;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseStore;
import io.fenceq.queue.JobEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** The cron leader function on the embedded emulators, driven by {@code events/leader-*.json}. */
class LeaderFunctionTest {
  /**
   * Two schedules. At 12:02:30, with the four-minute catch-up window, the due ticks are 12:00 and
   * 12:02 of the first and 11:59 to 12:02 of the second.
   */
  private static final String CRON_JOBS =
      "[{\"name\": \"restock-report\", \"schedule\": \"rate(2 minutes)\", \"type\": \"release\","
          + " \"key\": \"sku-7\", \"payload\": {\"qty\": 1}},"
          + " {\"name\": \"sweep\", \"schedule\": \"rate(1 minute)\", \"type\": \"sweep.run\"}]";

  private static final Clock NOW =
      Clock.fixed(Instant.parse("2026-11-26T12:02:30Z"), ZoneOffset.UTC);

  private FunctionStack aws;
  private Map<String, String> env;

  @BeforeEach
  void stack() {
    aws = new FunctionStack("leader", Map.of());
    env = new HashMap<>(aws.environment());
    env.put(LeaderFunction.CRON_JOBS, CRON_JOBS);
  }

  @Test
  void theLeaderEnqueuesEachDueTickOnceEvenWhenInvokedTwice() {
    ScheduledEvent event = LambdaEvents.read("leader-schedule.json", ScheduledEvent.class);

    Map<String, Object> first =
        new LeaderFunction(env, NOW).handleRequest(event, TestContext.of("leader"));
    Map<String, Object> second =
        new LeaderFunction(env, NOW).handleRequest(event, TestContext.of("leader"));

    List<String> due =
        List.of(
            "cron:restock-report:2026-11-26T12:00:00Z",
            "cron:sweep:2026-11-26T11:59:00Z",
            "cron:sweep:2026-11-26T12:00:00Z",
            "cron:sweep:2026-11-26T12:01:00Z",
            "cron:sweep:2026-11-26T12:02:00Z",
            "cron:restock-report:2026-11-26T12:02:00Z");
    assertThat(first.get("leader")).isEqualTo(true);
    assertThat(enqueued(first)).containsExactlyInAnyOrderElementsOf(due);
    // A second leader (another environment, or EventBridge's retry) enqueues the same job ids...
    assertThat(second.get("leader")).isEqualTo(true);
    assertThat((Long) second.get("fence")).isGreaterThan((Long) first.get("fence"));
    assertThat(enqueued(second)).containsExactlyInAnyOrderElementsOf(due);
    // ...and the queue holds each tick once.
    List<String> queued = new ArrayList<>();
    for (List<Message> batch = aws.receive(1); !batch.isEmpty(); batch = aws.receive(1)) {
      for (Message m : batch) {
        queued.add(JobEnvelope.parse(m.body()).jobId());
        aws.sqs()
            .deleteMessage(
                r -> r.queueUrl(aws.stack.workQueueUrl()).receiptHandle(m.receiptHandle()));
      }
    }
    assertThat(queued).containsExactlyInAnyOrderElementsOf(due);
  }

  @Test
  void oneSettingElectsTheLeaderByTheSqsTokenInstead() {
    String tokenQueue =
        aws.sqs()
            .createQueue(
                r ->
                    r.queueName("leader-token-" + java.util.UUID.randomUUID() + ".fifo")
                        .attributes(
                            Map.of(
                                software.amazon.awssdk.services.sqs.model.QueueAttributeName
                                    .FIFO_QUEUE,
                                "true")))
            .queueUrl();
    env.put("FENCEQ_LEADER_ELECTION", "sqs-token");
    env.put("FENCEQ_LEADER_TOKEN_QUEUE_URL", tokenQueue);
    ScheduledEvent event = LambdaEvents.read("leader-schedule.json", ScheduledEvent.class);

    Map<String, Object> first =
        new LeaderFunction(env, NOW).handleRequest(event, TestContext.of("leader"));
    Map<String, Object> second =
        new LeaderFunction(env, NOW).handleRequest(event, TestContext.of("leader"));

    assertThat(first.get("leader")).isEqualTo(true);
    assertThat(enqueued(first)).hasSize(6);
    // The first released the token (visibility 0): the second leads at once, with a larger fence.
    assertThat(second.get("leader")).isEqualTo(true);
    assertThat((Long) second.get("fence")).isGreaterThan((Long) first.get("fence"));
    assertThat(enqueued(second)).containsExactlyInAnyOrderElementsOf(enqueued(first));
  }

  @Test
  void aFunctionThatIsNotLeaderEnqueuesNothing() {
    LeaseStore leases =
        LeaseStore.builder()
            .dynamoDb(aws.aws.dynamoDb())
            .table(aws.stack.leaseTable())
            .config(LeaseConfig.builder().leaseDuration(Duration.ofMinutes(5)).build())
            .clock(NOW)
            .build();
    assertThat(
            leases.acquire(LeaseStore.leaderLeaseId(LeaderFunction.LEADER_NAME), "another-leader"))
        .isInstanceOf(Lease.class);

    Map<String, Object> result =
        new LeaderFunction(env, NOW)
            .handleRequest(
                LambdaEvents.read("leader-schedule.json", ScheduledEvent.class),
                TestContext.of("leader"));

    assertThat(result).containsEntry("leader", false).containsEntry("fence", null);
    assertThat((List<?>) result.get("enqueued")).isEmpty();
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  @Test
  void withoutCronJobsAnInvocationIsANoOp() {
    env.remove(LeaderFunction.CRON_JOBS);
    env.put("FENCEQ_LEASE_TABLE", "no-such-table");

    Map<String, Object> result =
        new LeaderFunction(env, NOW)
            .handleRequest(
                LambdaEvents.read("leader-schedule.json", ScheduledEvent.class),
                TestContext.of("leader"));

    assertThat(result).containsEntry("leader", false);
    assertThat(aws.queueDepth()).containsExactly(0, 0);
  }

  @Test
  void aBadScheduleFailsTheConstructorNamingTheEntry() {
    env.put(
        LeaderFunction.CRON_JOBS,
        "[{\"name\": \"a\", \"schedule\": \"rate(1 minute)\", \"type\": \"t\"},"
            + " {\"name\": \"b\", \"schedule\": \"every minute\", \"type\": \"t\"}]");

    assertThatThrownBy(() -> new LeaderFunction(env, NOW))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessageStartingWith("FENCEQ_CRON_JOBS[1].schedule")
        .hasMessageContaining("every minute");
  }

  private static List<Object> enqueued(Map<String, Object> result) {
    return List.copyOf((List<?>) result.get("enqueued"));
  }
}
