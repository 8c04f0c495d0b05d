package io.fenceq.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.queue.internal.BatchPlanner.Batch;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
  @Test
  void cutsAtTenEntries() {
    int[] sizes = new int[23];
    Arrays.fill(sizes, 100);
    assertThat(BatchPlanner.plan(sizes, 10, 262_144))
        .containsExactly(new Batch(0, 10), new Batch(10, 20), new Batch(20, 23));
  }

  @Test
  void cutsWhenTheTotalWouldExceedTheByteLimit() {
    int[] sizes = {400, 400, 300, 900, 1000, 1};
    assertThat(BatchPlanner.plan(sizes, 10, 1000))
        .containsExactly(
            new Batch(0, 2), new Batch(2, 3), new Batch(3, 4), new Batch(4, 5), new Batch(5, 6));
  }

  @Test
  void coversEveryMessageOnceInOrderWithinBothLimits() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int[] sizes = random.ints(random.nextInt(60), 1, 3000).toArray();
      List<Batch> batches = BatchPlanner.plan(sizes, 10, 3000);
      int next = 0;
      for (Batch b : batches) {
        assertThat(b.from()).isEqualTo(next);
        assertThat(b.size()).isBetween(1, 10);
        assertThat(Arrays.stream(sizes, b.from(), b.to()).sum()).isLessThanOrEqualTo(3000);
        next = b.to();
      }
      assertThat(next).isEqualTo(sizes.length);
    }
  }

  @Test
  void refusesAMessageLargerThanTheLimit() {
    assertThatThrownBy(() -> BatchPlanner.plan(new int[] {10, 2000}, 10, 1000))
        .hasMessageContaining("message 1 is 2000 bytes");
  }
}
