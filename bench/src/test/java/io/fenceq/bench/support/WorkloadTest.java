package io.fenceq.bench.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fenceq.ring.Lane;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  @Test
  void fullLaneBatchesCostOneLeaseWritePerTenJobs() {
    assertThat(Workload.leaseWritesFloor(Map.of(new Lane(0), 20, new Lane(1), 30))).isEqualTo(0.1);
  }

  @Test
  void aPartlyFilledLaneBatchStillCostsAGrant() {
    // 12 jobs: batches of 10 and 2, 2 grants; 1 job: 1 grant. 3 writes for 13 jobs.
    assertThat(Workload.leaseWritesFloor(Map.of(new Lane(0), 12, new Lane(1), 1)))
        .isCloseTo(3 / 13.0, within(1e-9));
  }

  @Test
  void noJobsNoWrites() {
    assertThat(Workload.leaseWritesFloor(Map.of())).isZero();
  }
}
