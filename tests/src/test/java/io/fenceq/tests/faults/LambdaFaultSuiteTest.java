package io.fenceq.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.fenceq.local.demo.CheckResult;
import io.fenceq.local.demo.ConsumerHost;
import io.fenceq.local.demo.DemoOptions;
import io.fenceq.local.demo.DemoResult;
import io.fenceq.local.demo.Fault;
import io.fenceq.tests.support.TestAws;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's workload drained by the Lambda consumer (local SQS event sources invoking it, one per
 * demo worker) with every fault struck: a crash kills an environment's clients mid-batch, a pause
 * holds a job past its invocation's time, partitions, clock skew and throttling hit one
 * environment's clients. Every invariant of the worker demo holds.
 *
 * <p>A paused job's thread finds its lane abandoned when it resumes: its fence check throws before
 * it writes, so unlike the worker demo no fenced write needs to reach DynamoDB to be refused.
 */
class LambdaFaultSuiteTest {
  private static final int JOBS = 200;

  @BeforeAll
  static void embeddedOnly() {
    // The partitions run through TCP proxies in front of the emulators' plain-HTTP endpoints.
    assumeFalse(TestAws.get().external(), "the fault suite runs on the embedded emulators");
  }

  @Test
  void allFaultsOnTheLambdaConsumerBreakNoInvariant() throws InterruptedException {
    DemoOptions options =
        DemoRuns.small(JOBS, 17)
            .withConsumer(ConsumerHost.LAMBDA)
            .withFaults(EnumSet.allOf(Fault.class));

    DemoResult result = DemoRuns.run("lambdaall", options);

    CheckResult check = result.check();
    assertThat(result.drained()).as("drained before the timeout").isTrue();
    assertThat(check.violations()).as("violations: %s", check.examples()).isZero();
    assertThat(check.applied() + check.dlq()).isGreaterThanOrEqualTo(check.jobs());
    for (Fault f : Fault.values()) {
      assertThat(result.faults().get(f)).as("%s injected", f).isPositive();
    }
    assertThat(result.drainedAfterFaults())
        .as("drain after the last fault ended")
        .isLessThanOrEqualTo(result.liveBound());
  }
}
