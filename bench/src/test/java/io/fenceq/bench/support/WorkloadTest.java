package io.fenceq.bench.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fenceq.ring.Lane;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  @Test
  void fullLaneBatchesCostTwoLeaseWritesPerTenJobs() {
    assertThat(Workload.leaseWritesFloor(Map.of(new Lane(0), 20, new Lane(1), 30))).isEqualTo(0.2);
  }

  @Test
  void aPartlyFilledLaneBatchStillCostsAnAcquireAndARelease() {
    // 12 jobs: batches of 10 and 2, 4 writes; 1 job: 2 writes. 6 writes for 13 jobs.
    assertThat(Workload.leaseWritesFloor(Map.of(new Lane(0), 12, new Lane(1), 1)))
        .isCloseTo(6 / 13.0, within(1e-9));
  }

  @Test
  void noJobsNoWrites() {
    assertThat(Workload.leaseWritesFloor(Map.of())).isZero();
  }
}
