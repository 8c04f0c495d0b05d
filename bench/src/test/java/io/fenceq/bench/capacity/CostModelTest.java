package io.fenceq.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CostModelTest {
  private final Load load = Load.defaults();
  private final CostModel costs =
      new CostModel(load, new KeySkew(load.keys(), load.zipfExponent()));

  @Test
  void thePerJobLockPaysARead_threeWritesAndItsHeartbeatsPerJob() {
    CostModel.Design lock = costs.lockClient(false);
    double heartbeats = (2 + 5) / 5_000.0;
    assertThat(lock.requestsPerJob()).isCloseTo(4 + heartbeats, within(1e-12));
    assertThat(lock.usdPerMillionJobs(1_000))
        .isCloseTo(0.125 + (3 + heartbeats) * 0.625, within(1e-9));
    assertThat(costs.lockClient(true).usdPerMillionJobs(1_000))
        .isCloseTo(lock.usdPerMillionJobs(1_000) + 0.3 * 0.40, within(1e-9));
  }

  @Test
  void redlockSendsTwoCommandsToEveryNodeAndPaysItsNodesByTheHour() {
    assertThat(costs.redlockCommandsPerJob()).isEqualTo(10);
    assertThat(costs.redlockQuorum()).isEqualTo(3);
    CostModel.Design redlock = costs.redlock();
    double nodes = 5 * 0.206 / 3_600 * 1_000_000;
    assertThat(redlock.usdPerMillionJobs(1)).isCloseTo(0.3 * 0.40 + 0.625 + nodes, within(1e-9));
  }

  @Test
  void fenceqUnderABacklogPaysATenthOfALaneBatchPerJob() {
    // a lane receiving past its capacity runs full batches
    Load busy = load.withLanes(1).withJobsPerSecond(200);
    CostModel model = new CostModel(busy, new KeySkew(busy.keys(), busy.zipfExponent()));
    assertThat(model.laneBatch(1)).isEqualTo(10);
    // one grant per lane-batch, handed over to the next without a release
    assertThat(model.leaseWritesPerJob(1)).isCloseTo(0.1, within(1e-12));
    CostModel.Design fenceq = model.fenceq(false);
    double heartbeats = 91 / 10_000.0 / 10;
    assertThat(fenceq.requestsPerJob()).isCloseTo(0.3 + 0.1 + 1 + 2 * heartbeats, within(1e-12));
  }

  @Test
  void aStatedLeaseWriteCountReplacesTheDerivedOne() {
    Load stated = new Load(1_000, 1_000, 0, 256, 10, 0.2, 2, 8, 5, 30, 5, 0.206);
    CostModel model = new CostModel(stated, new KeySkew(1_000, 0));
    assertThat(model.leaseWritesPerJob(1)).isEqualTo(0.2);
    assertThat(model.coalescedWritesPerJob()).isEqualTo(0.1);
  }

  @Test
  void aMonthIsSevenHundredThirtyHours() {
    CostModel.Design d = costs.lockClient(false);
    assertThat(d.usdPerMonth(1)).isCloseTo(d.usdPerMillionJobs(1) * 2.628, within(1e-9));
  }
}
