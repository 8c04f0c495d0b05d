package io.fenceq.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.local.demo.CheckResult;
import io.fenceq.local.demo.DemoResult;
import io.fenceq.local.demo.Fault;
import io.fenceq.tests.support.TestAws;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-key order, no loss and no duplicate when a lane-batch's keys run concurrently while workers
 * crash and pause: few lanes for many SKUs, so that nearly every lane-batch carries several keys,
 * which the workers run {@link ConsumerConfig#DEFAULT_KEY_CONCURRENCY} at a time. The demo's
 * checker reads every write's history: a job applied twice or out of its SKU's order, a write with
 * an older fence accepted, or an enqueued job neither applied nor dead-lettered, is a violation.
 */
class KeyConcurrencyUnderFaultsTest {
  private static final int JOBS = 800;

  /** 100 SKUs on 8 lanes: about 12 keys a lane. */
  private static final Map<String, String> FEW_LANES = Map.of("LaneCount", "8");

  @Test
  void keysRunConcurrentlyUnderCrashesAndPausesWithoutBreakingAnInvariant()
      throws InterruptedException {
    assumeFalse(TestAws.get().external(), "the fault suite runs on the embedded emulators");
    assertThat(ConsumerConfig.DEFAULT_KEY_CONCURRENCY)
        .as("the demo's workers run the engine's default, several keys of a lane at once")
        .isGreaterThan(1);
    EnumSet<Fault> faults = EnumSet.of(Fault.CRASH, Fault.PAUSE);

    DemoResult result =
        DemoRuns.run("keyconcurrency", DemoRuns.small(JOBS, 31).withFaults(faults), FEW_LANES);

    CheckResult check = result.check();
    assertThat(result.drained()).as("drained before the timeout").isTrue();
    assertThat(check.violations()).as("violations: %s", check.examples()).isZero();
    assertThat(check.orderViolations()).isZero();
    assertThat(check.duplicates()).isZero();
    assertThat(check.lost()).isZero();
    assertThat(check.applied() + check.dlq()).isGreaterThanOrEqualTo(check.jobs());
    for (Fault f : faults) {
      assertThat(result.faults().get(f)).as("%s injected", f).isPositive();
    }
    assertThat(result.fenced()).as("the paused workers' late writes refused").isPositive();
  }
}
