package io.fenceq.tests.faults;

import io.fenceq.local.demo.DemoOptions;
import io.fenceq.local.demo.DemoReport;
import io.fenceq.local.demo.DemoResult;
import io.fenceq.local.demo.DemoRunner;
import io.fenceq.local.demo.DemoStack;
import io.fenceq.local.demo.DemoTarget;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Runs the demo on a fresh stack of the tests' emulators, sized for the fault suite. */
final class DemoRuns {
  /** Short leases: a pause lasts two of them, a takeover waits one. */
  static final Duration LEASE = Duration.ofSeconds(6);

  private DemoRuns() {}

  /** Few thousand jobs at most, few SKUs, three workers: seconds to a minute per run. */
  static DemoOptions small(int jobs, long seed) {
    return DemoOptions.defaults()
        .withJobs(jobs)
        .withSkus(100)
        .withStock(20)
        .withWorkers(3)
        .withSeed(seed)
        .withLease(LEASE)
        .withMaxBacklog(500)
        .withTimeout(Duration.ofMinutes(4));
  }

  static DemoResult run(String purpose, DemoOptions options) throws InterruptedException {
    return run(purpose, options, Map.of());
  }

  /** The same on a stack with these template parameters too (e.g. {@code LaneCount}). */
  static DemoResult run(String purpose, DemoOptions options, Map<String, String> parameters)
      throws InterruptedException {
    TestAws aws = TestAws.get();
    Map<String, String> all = new java.util.HashMap<>(parameters);
    all.put("MaxReceiveCount", "100");
    all.put("VisibilityTimeoutSeconds", Long.toString(LEASE.toSeconds()));
    TestStack stack = aws.newStack(purpose, all);
    Map<String, String> env = aws.awsEnvironment();
    DemoTarget target =
        new DemoTarget(
            URI.create(env.get("AWS_ENDPOINT_URL_SQS")),
            URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB")),
            Region.of(env.get("AWS_REGION")),
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY"))),
            new DemoStack(
                stack.workQueueUrl(),
                stack.dlqUrl(),
                stack.leaseTable(),
                stack.inventoryTable(),
                stack.lanes()));
    PrintWriter out = new PrintWriter(System.out, true);
    out.println("--- demo run " + purpose + ": " + options);
    DemoResult result = DemoRunner.run(options, target, out);
    DemoReport.print(options, result, out);
    return result;
  }
}
