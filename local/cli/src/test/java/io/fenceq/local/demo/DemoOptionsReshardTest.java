package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.HashRing;
import org.junit.jupiter.api.Test;

class DemoOptionsReshardTest {
  @Test
  void aRunReshardsOnlyWhenAsked() {
    assertThat(DemoOptions.defaults().reshards()).isFalse();
    DemoOptions options = DemoOptions.defaults().withReshardTo(96);

    assertThat(options.reshards()).isTrue();
    assertThat(options.reshardTo()).isEqualTo(96);
    assertThat(options.withJobs(500).reshardTo()).as("kept by other edits").isEqualTo(96);
  }

  @Test
  void theLaneCountMustBeOnTheRing() {
    assertThatThrownBy(() -> DemoOptions.defaults().withReshardTo(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--reshard-to must be between 1 and " + HashRing.MAX_LANES + ", got 0");
    assertThatThrownBy(() -> DemoOptions.defaults().withReshardTo(HashRing.MAX_LANES + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--reshard-to must be between 1 and "
                + HashRing.MAX_LANES
                + ", got "
                + (HashRing.MAX_LANES + 1));
    assertThat(DemoOptions.defaults().withReshardTo(1).reshardTo()).isEqualTo(1);
  }

  @Test
  void theLaneCountMustDifferFromTheQueues() {
    DemoOptions options = DemoOptions.defaults().withReshardTo(64);

    assertThatThrownBy(() -> options.requireReshardOf(64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--reshard-to 64 is the queue's lane count already; pick another count between 1 and "
                + HashRing.MAX_LANES);
    options.requireReshardOf(96);
    DemoOptions.defaults().requireReshardOf(DemoOptions.NO_RESHARD);
  }

  @Test
  void theReshardStartsOnceAThirdOfTheJobsAreEnqueued() {
    assertThat(DemoReshard.startAfter(3000)).isEqualTo(1000);
    assertThat(DemoReshard.startAfter(2)).isEqualTo(1);
  }
}
