package io.fenceq.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fenceq.local.demo.CheckResult;
import io.fenceq.local.demo.DemoOptions;
import io.fenceq.local.demo.DemoResult;
import io.fenceq.local.demo.Fault;
import io.fenceq.local.demo.Fencing;
import io.fenceq.tests.support.TestAws;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo with its workers as {@code fenceq worker} JVMs: SIGKILL mid-write and SIGSTOP with the
 * fence in hand break no invariant, checked from DynamoDB and SQS alone; without fencing, the
 * resumed JVM's late write is caught. A few hundred jobs each: every worker JVM takes seconds to
 * start on a busy machine.
 */
class ProcessFaultSuiteTest {
  private static final int JOBS = 300;

  @BeforeAll
  static void embeddedUnix() {
    assumeFalse(TestAws.get().external(), "worker processes run against the embedded emulators");
    assumeTrue(
        Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
        "SIGSTOP and SIGCONT need the kill program");
  }

  private static DemoOptions options(long seed, Fault fault) {
    return DemoRuns.small(JOBS, seed).withFaults(EnumSet.of(fault)).withProcessWorkers(true);
  }

  @Test
  void aWorkerProcessKilledMidWriteBreaksNoInvariant() throws InterruptedException {
    DemoResult result = DemoRuns.run("process-crash", options(11, Fault.CRASH));

    assertHolds(result);
    assertThat(result.faults().get(Fault.CRASH)).as("SIGKILLs").isPositive();
  }

  @Test
  void aStoppedWorkerProcessIsFencedWhenItResumes() throws InterruptedException {
    DemoResult result = DemoRuns.run("process-pause", options(11, Fault.PAUSE));

    assertHolds(result);
    assertThat(result.faults().get(Fault.PAUSE)).as("SIGSTOPs").isPositive();
    // Whether the resumed write reaches DynamoDB (and comes back FENCED) is a race in this mode:
    // after SIGCONT the JVM's heartbeat may find the lease lost first, and the engine then refuses
    // the write locally. Either way the zombie changes nothing, which assertHolds checks; the
    // in-process pause test, whose pause freezes the heartbeat too, asserts the FENCED answer.
    assertThat(result.p99Millis()).as("no history across processes").isEqualTo(-1);
  }

  @Test
  void withoutFencingAResumedWorkerProcessesLateWriteIsCaught() throws InterruptedException {
    DemoResult result =
        DemoRuns.run("process-control", options(5, Fault.PAUSE).withFencing(Fencing.OFF));

    CheckResult check = result.check();
    assertThat(result.faults().get(Fault.PAUSE)).as("SIGSTOPs").isPositive();
    assertThat(check.duplicates())
        .as("jobs journalled twice: the resumed write of a job another worker applied; %s", check)
        .isPositive();
  }

  private static void assertHolds(DemoResult result) {
    CheckResult check = result.check();
    assertThat(result.drained()).as("drained before the timeout").isTrue();
    assertThat(check.violations()).as("violations: %s", check.examples()).isZero();
    assertThat(check.applied() + check.dlq()).isGreaterThanOrEqualTo(check.jobs());
  }
}
