package io.fenceq.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.fenceq.local.demo.CheckResult;
import io.fenceq.local.demo.DemoOptions;
import io.fenceq.local.demo.DemoResult;
import io.fenceq.local.demo.Fault;
import io.fenceq.local.demo.Fencing;
import io.fenceq.tests.support.TestAws;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The demo's workload under each fault alone and all together, with fixed seeds: every invariant
 * holds, and every fault asked for demonstrably struck. And the control: the same workload under
 * pauses with fencing switched off makes the checker report violations, so the checker can fail.
 */
class FaultSuiteTest {
  private static final int JOBS = 800;

  @BeforeAll
  static void embeddedOnly() {
    // The partitions run through TCP proxies in front of the emulators' plain-HTTP endpoints.
    assumeFalse(TestAws.get().external(), "the fault suite runs on the embedded emulators");
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void eachFaultAloneBreaksNoInvariant(Fault fault) throws InterruptedException {
    DemoResult result =
        DemoRuns.run(fault.option(), DemoRuns.small(JOBS, 11).withFaults(EnumSet.of(fault)));

    assertHolds(result, Set.of(fault));
    if (fault == Fault.PAUSE) {
      assertThat(result.fenced()).as("zombie writes refused by the fence").isPositive();
    }
  }

  @Test
  void allFaultsTogetherBreakNoInvariantAndTheQueueDrainsAfterThem() throws InterruptedException {
    DemoOptions options = DemoRuns.small(2 * JOBS, 23).withFaults(EnumSet.allOf(Fault.class));
    DemoResult result = DemoRuns.run("all", options);

    assertHolds(result, EnumSet.allOf(Fault.class));
    assertThat(result.fenced())
        .as("the paused workers' writes reached DynamoDB and were refused by the fence")
        .isPositive();
    assertThat(result.drainedAfterFaults())
        .as("drain after the last fault ended: lease + visibility + backoff + the rest of the jobs")
        .isLessThanOrEqualTo(result.liveBound());
  }

  @Test
  void withoutFencingAPausedWorkersLateWritesAreCaught() throws InterruptedException {
    DemoOptions options =
        DemoRuns.small(JOBS, 5).withFaults(EnumSet.of(Fault.PAUSE)).withFencing(Fencing.OFF);
    DemoResult result = DemoRuns.run("control", options);

    CheckResult check = result.check();
    assertThat(result.faults().get(Fault.PAUSE)).as("pauses").isPositive();
    assertThat(check.ok()).as("checker verdict on an unfenced run: %s", check).isFalse();
    assertThat(check.duplicates() + check.fenceRegressions() + check.orderViolations())
        .as("duplicates, fence regressions and order violations")
        .isPositive();
  }

  private static void assertHolds(DemoResult result, Set<Fault> faults) {
    CheckResult check = result.check();
    assertThat(result.drained()).as("drained before the timeout").isTrue();
    assertThat(check.violations()).as("violations: %s", check.examples()).isZero();
    assertThat(check.applied() + check.dlq()).isGreaterThanOrEqualTo(check.jobs());
    for (Fault f : faults) {
      assertThat(result.faults().get(f)).as("%s injected", f).isPositive();
    }
  }
}
