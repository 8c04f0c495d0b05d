package io.fenceq.bench.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LaneModelTest {
  private final LaneModel model = new LaneModel(Load.defaults());

  @Test
  void aFullLaneBatchPaysThreeRoundTripsOnceAndTheHandlerAndWriteTenTimes() {
    // 2 x 8 (receive, delete) + 5 (acquire; handed over, no release) + 10 x (2 + 5)
    assertThat(model.cycleMs(10, 1)).isEqualTo(91);
    assertThat(model.laneJobsPerSecond(1)).isCloseTo(10_000.0 / 91, within(1e-9));
    // coalesced into one write per ten jobs: 21 + 10 x 2 + 5
    assertThat(model.laneJobsPerSecond(0.1)).isCloseTo(10_000.0 / 46, within(1e-9));
  }

  @Test
  void aLaneWithoutBacklogRunsTheJobsThatArrivedDuringItsLastBatch() {
    assertThat(model.batchSize(1, 1)).isEqualTo(1);
    // b = 0.1 * 21 / (1 - 0.1 * 7) = 7
    assertThat(model.batchSize(100, 1)).isCloseTo(7, within(1e-9));
    assertThat(model.batchSize(200, 1)).isEqualTo(10);
  }

  @Test
  void aLaneThatKeepsUpNeverFillsTheScanWindow() {
    assertThat(LaneModel.secondsToFillScanWindow(100, 100)).isInfinite();
    assertThat(LaneModel.secondsToFillScanWindow(200, 100)).isEqualTo(1_200);
  }

  @Test
  void aBurstBlocksOtherLanesOnlyForItsPartBeyondTheWindow() {
    assertThat(LaneModel.secondsBlockedByBurst(100_000, 100)).isZero();
    assertThat(LaneModel.secondsBlockedByBurst(130_000, 100)).isEqualTo(100);
  }
}
