package io.fenceq.tests.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.fenceq.aws.AwsClients;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.testing.FenceqLocal;
import io.fenceq.testing.FenceqStack;
import io.fenceq.testing.faults.WorkerJvm;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code @FenceqLocal} in endpoint mode against {@code fenceq local} running in a JVM of its own,
 * as a user would run it in another terminal: a test class using the kit passes there, and the
 * queues and tables it provisioned are gone once it has run.
 */
class KitEndpointTest {
  private static final Pattern EXPORT =
      Pattern.compile("(?m)^export (AWS_ENDPOINT_URL_\\w+)=(\\S+)$");

  /** The stacks {@link UsesTheKit} got, by name. */
  static final Set<String> STACKS = ConcurrentHashMap.newKeySet();

  @Test
  void aKitTestPassesAgainstARunningFenceqLocalAndLeavesNoQueueOrTableBehind() throws Exception {
    try (WorkerJvm local =
        WorkerJvm.builder()
            .name("fenceq-local")
            .environment(Map.of())
            .main(
                "io.fenceq.local.cli.FenceqCli",
                List.of("local", "--sqs-port", "0", "--dynamodb-port", "0"))
            .jvmOptions(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m"))
            .outputDirectory(Path.of("target"))
            .start()) {
      Eventually.await(
          "fenceq local to print its environment",
          Duration.ofMinutes(2),
          () -> local.output().contains("export FENCEQ_HANDLER=") || !local.alive(),
          local::output);
      assertThat(local.alive()).as(local.output()).isTrue();
      Map<String, String> endpoints = endpoints(local.output());
      String sqsEndpoint = endpoints.get("AWS_ENDPOINT_URL_SQS");
      String dynamoDbEndpoint = endpoints.get("AWS_ENDPOINT_URL_DYNAMODB");
      assertThat(sqsEndpoint).as(local.output()).isNotNull();
      assertThat(dynamoDbEndpoint).as(local.output()).isNotNull();

      TestExecutionSummary summary;
      System.setProperty(FenceqLocal.SQS_ENDPOINT_PROPERTY, sqsEndpoint);
      System.setProperty(FenceqLocal.DYNAMODB_ENDPOINT_PROPERTY, dynamoDbEndpoint);
      try {
        summary = run(UsesTheKit.class);
      } finally {
        System.clearProperty(FenceqLocal.SQS_ENDPOINT_PROPERTY);
        System.clearProperty(FenceqLocal.DYNAMODB_ENDPOINT_PROPERTY);
      }

      assertThat(summary.getFailures()).extracting(f -> f.getException().toString()).isEmpty();
      assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
      assertThat(STACKS).hasSize(2);

      AwsClients.Target target =
          new AwsClients.Target(
              URI.create(sqsEndpoint),
              URI.create(dynamoDbEndpoint),
              Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")),
              StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
      try (SqsClient sqs = AwsClients.sqs(target);
          DynamoDbClient dynamoDb = AwsClients.dynamoDb(target)) {
        for (String stack : STACKS) {
          assertThat(sqs.listQueues(r -> r.queueNamePrefix(stack)).queueUrls())
              .as("queues of stack %s", stack)
              .isEmpty();
          assertThat(dynamoDb.listTables().tableNames())
              .as("tables of stack %s", stack)
              .noneMatch(t -> t.startsWith(stack));
        }
        // What fenceq local provisioned for itself is untouched.
        assertThat(dynamoDb.listTables().tableNames()).isNotEmpty();
      }
      // Stopped as a user's Ctrl-C would, so that its emulators shut down cleanly.
      local.terminate();
      assertThat(local.awaitExit(Duration.ofMinutes(1))).as(local.output()).isZero();
    }
  }

  private static Map<String, String> endpoints(String output) {
    Map<String, String> found = new java.util.HashMap<>();
    Matcher m = EXPORT.matcher(output);
    while (m.find()) {
      found.put(m.group(1), m.group(2));
    }
    return found;
  }

  private static TestExecutionSummary run(Class<?> testClass) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
        listener);
    return listener.getSummary();
  }

  /** A user's test class; run only by the test above (Surefire skips nested classes). */
  @FenceqLocal
  static class UsesTheKit {
    @Test
    void enqueuesAndReceivesOnItsOwnStack(FenceqStack stack, SqsClient sqs) {
      STACKS.add(stack.stackName());
      stack.enqueuer().enqueue(JobRequest.ofJson("sku-1", "reserve", "{\"qty\":1}"));
      assertThat(
              sqs.receiveMessage(r -> r.queueUrl(stack.queueUrl()).waitTimeSeconds(5)).messages())
          .hasSize(1);
    }

    @Test
    void hasTablesOfItsOwn(FenceqStack stack, DynamoDbClient dynamoDb) {
      STACKS.add(stack.stackName());
      assertThat(dynamoDb.listTables().tableNames()).contains(stack.leaseTable());
    }
  }
}
