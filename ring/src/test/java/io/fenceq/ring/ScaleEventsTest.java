package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleEventsTest {

  @Test
  void theRingMovesAboutTheIdealFractionAndModuloMovesMostKeys() {
    List<ScaleEvents.Step> steps =
        ScaleEvents.simulate(new int[] {4, 5, 8, 7, 3}, 20_000, 0.25, 256);

    assertThat(steps)
        .extracting(ScaleEvents.Step::event)
        .containsExactly(
            "scale out: +worker-5",
            "scale out: +worker-6 +worker-7 +worker-8",
            "crash: -worker-4",
            "scale in: -worker-8 -worker-7 -worker-6 -worker-5");
    assertThat(steps.get(3).after()).containsExactly("worker-1", "worker-2", "worker-3");
    for (ScaleEvents.Step step : steps) {
      assertThat(step.ring().movedFraction())
          .as(step.event())
          .isCloseTo(step.idealFraction(), within(0.04));
      assertThat(step.modulo().movedFraction()).as(step.event()).isGreaterThan(0.7);
      assertThat(step.boundedMaxOverMean()).as(step.event()).isLessThanOrEqualTo(1.26);
    }
    // A crash moves only the crashed worker's keys on the ring.
    assertThat(steps.get(2).ring().moves()).containsOnlyKeys("worker-4");
  }

  @Test
  void aSequenceNeedsTwoSizesInRange() {
    assertThatThrownBy(() -> ScaleEvents.simulate(new int[] {4}, 10, 0.25, 16))
        .hasMessage("a scale sequence needs at least two sizes, got [4]");
    assertThatThrownBy(() -> ScaleEvents.simulate(new int[] {4, 0}, 10, 0.25, 16))
        .hasMessage("pool sizes must be between 1 and 10000, got 0");
  }
}
