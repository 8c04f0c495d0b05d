package io.fenceq.tests.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.fenceq.local.demo.CheckResult;
import io.fenceq.local.demo.DemoOptions;
import io.fenceq.local.demo.DemoResult;
import io.fenceq.local.demo.Fault;
import io.fenceq.local.demo.ReshardFigures;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.support.RingKeys;
import io.fenceq.tests.support.TestAws;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's workload resharded live from 64 to 96 lanes a third of the way in, while workers
 * crash, pause and are partitioned: the demo's checker holds (S1, S2, S3, no oversell), nothing is
 * dead-lettered that had not taken effect, every barrier passes, and the keys whose lane changed
 * are the fraction the two rings predict.
 */
class ReshardUnderFaultsTest {
  private static final int LANES = 64;
  private static final int RESHARD_TO = 96;

  /**
   * Few enough SKUs that each has jobs before and after the producer switches rings, so that every
   * key the rings place differently is seen in two lanes.
   */
  private static final int SKUS = 40;

  private static final int JOBS = 1500;

  @BeforeAll
  static void embeddedOnly() {
    assumeFalse(TestAws.get().external(), "the fault suite runs on the embedded emulators");
  }

  @Test
  void aReshardUnderCrashesPausesAndPartitionsBreaksNoInvariantAndMovesThePredictedKeys()
      throws InterruptedException {
    Set<Fault> faults = EnumSet.of(Fault.CRASH, Fault.PAUSE, Fault.PARTITION);
    DemoOptions options =
        DemoRuns.small(JOBS, 13).withSkus(SKUS).withFaults(faults).withReshardTo(RESHARD_TO);
    DemoResult result =
        DemoRuns.run("reshard", options, Map.of("LaneCount", Integer.toString(LANES)));

    CheckResult check = result.check();
    assertThat(result.drained()).as("drained before the timeout").isTrue();
    assertThat(check.violations()).as("violations: %s", check.examples()).isZero();
    assertThat(check.applied()).as("every job applied").isEqualTo(check.jobs());
    // A job is dead-lettered only when a pause explains it: a worker frozen with a lane-batch
    // received before the barrier, whose jobs another worker has since applied, wakes after the
    // barrier passed. It checks that the copy is still its own before a dead letter (see
    // StaleCopyTest), so only a pause between that check and the send dead-letters a job whose
    // effect is in place.
    assertThat(check.dlq())
        .as("dead-lettered jobs that had not taken effect before")
        .isEqualTo(check.appliedThenDeadLettered());
    for (Fault f : faults) {
      assertThat(result.faults().get(f)).as("%s injected", f).isPositive();
    }

    ReshardFigures reshard = result.reshard().orElseThrow();
    assertThat(reshard.failure()).as("reshard failure").isNull();
    assertThat(reshard.epoch()).isEqualTo(1);
    assertThat(reshard.barriersSent()).as("one barrier per old lane").isEqualTo(LANES);
    assertThat(reshard.barriersPassed()).as("barriers passed").isEqualTo(LANES);
    assertThat(reshard.keys()).as("keys routed").isEqualTo(SKUS);
    int placedElsewhere = placedElsewhere();
    assertThat(placedElsewhere).as("keys the rings place differently").isPositive();
    assertThat(reshard.movedKeys())
        .as("keys the producer routed to two lanes = keys the rings place differently")
        .isEqualTo(placedElsewhere);
    assertThat(reshard.movedFraction()).isEqualTo((double) placedElsewhere / SKUS);
    assertThat(reshard.predictedDemoKeys()).isEqualTo((double) placedElsewhere / SKUS);
  }

  /** The demo's SKUs whose lane differs between 64 lanes and the same ring with 96. */
  private static int placedElsewhere() {
    HashRing before = HashRing.of(LANES);
    HashRing after = before.withLanes(RESHARD_TO);
    return (int)
        IntStream.range(0, SKUS)
            .mapToObj(i -> "sku-" + i)
            .filter(sku -> RingKeys.moves(before, after, sku))
            .count();
  }
}
