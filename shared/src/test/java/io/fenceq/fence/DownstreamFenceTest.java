package io.fenceq.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DownstreamFenceTest {
  @Test
  void atEpochZeroIsTheLaneFence() {
    assertThat(DownstreamFence.of(0, 1)).isEqualTo(1);
    assertThat(DownstreamFence.of(0, 12_345)).isEqualTo(12_345);
    assertThat(DownstreamFence.of(0, DownstreamFence.LANE_FENCE_LIMIT - 1))
        .isEqualTo((1L << 40) - 1);
  }

  @Test
  void aLaterEpochIsHigherWhateverTheLaneFences() {
    long oldLaneLate = DownstreamFence.of(1, DownstreamFence.LANE_FENCE_LIMIT - 1);
    long newLaneFirst = DownstreamFence.of(2, 1);
    assertThat(newLaneFirst).isGreaterThan(oldLaneLate);
    assertThat(DownstreamFence.of(1, 1)).isGreaterThan(DownstreamFence.of(0, 999_999));
    // Within one epoch the lane fence orders.
    assertThat(DownstreamFence.of(3, 8)).isGreaterThan(DownstreamFence.of(3, 7));
  }

  @Test
  void splitsBackIntoItsParts() {
    long f = DownstreamFence.of(5, 42);
    assertThat(f).isEqualTo(5L * (1L << 40) + 42);
    assertThat(DownstreamFence.epoch(f)).isEqualTo(5);
    assertThat(DownstreamFence.laneFence(f)).isEqualTo(42);
    long top = DownstreamFence.of(DownstreamFence.MAX_EPOCH, DownstreamFence.LANE_FENCE_LIMIT - 1);
    assertThat(top).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void refusesALaneFenceOrEpochThatDoesNotFit() {
    assertThatThrownBy(() -> DownstreamFence.of(1, DownstreamFence.LANE_FENCE_LIMIT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "lane fence must be 1 to 2^40-1 to compose a downstream fence, got 1099511627776:"
                + " the lane's lease counter has outgrown the epoch-major fence");
    assertThatThrownBy(() -> DownstreamFence.of(0, 0)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> DownstreamFence.of(DownstreamFence.MAX_EPOCH + 1, 1))
        .hasMessage("ring epoch must be 0 to 8388607 to compose a downstream fence, got 8388608");
    assertThatThrownBy(() -> DownstreamFence.of(-1, 1)).hasMessageContaining("got -1");
  }
}
