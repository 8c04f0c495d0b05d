package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.local.demo.Workload.PlannedJob;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  @Test
  void theSameSeedGivesTheSameJobs() {
    assertThat(Workload.generate(1000, 50, 7)).isEqualTo(Workload.generate(1000, 50, 7));
    assertThat(Workload.generate(1000, 50, 7)).isNotEqualTo(Workload.generate(1000, 50, 8));
  }

  @Test
  void keysAreSkewedAndNumberedInEnqueueOrder() {
    Workload w = Workload.generate(20_000, 200, 1);
    Map<String, Long> perSku =
        w.jobs().stream().collect(Collectors.groupingBy(PlannedJob::sku, Collectors.counting()));
    long hottest = perSku.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    assertThat(hottest).as("the hottest SKU's jobs").isGreaterThan(20_000 / 200 * 5);

    Map<String, Integer> next = new java.util.HashMap<>();
    for (PlannedJob job : w.jobs()) {
      assertThat(job.n()).isEqualTo(next.getOrDefault(job.sku(), 0));
      next.merge(job.sku(), 1, Integer::sum);
      assertThat(job.qty()).isBetween(1, Workload.MAX_QTY);
    }
    assertThat(w.jobs().stream().map(PlannedJob::jobId).distinct().count()).isEqualTo(20_000);
  }
}
