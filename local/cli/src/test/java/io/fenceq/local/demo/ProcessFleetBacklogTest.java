package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ProcessFleetBacklogTest {
  @Test
  void withoutFaultsTheBacklogIsTheOptions() {
    DemoOptions options =
        DemoOptions.defaults().withJobs(300).withFaults(EnumSet.noneOf(Fault.class));

    assertThat(ProcessFleet.backlog(options)).isEqualTo(DemoOptions.DEFAULT_MAX_BACKLOG);
  }

  @Test
  void withFaultsJobsRemainToBeEnqueuedAfterTheLastPlannedFault() {
    DemoOptions options = DemoOptions.defaults().withJobs(300).withFaults(EnumSet.of(Fault.PAUSE));

    int backlog = ProcessFleet.backlog(options);

    // Armed at a count of at most 60% of the jobs, at most that plus the backlog are out.
    assertThat(300 * FaultPlan.LAST + backlog).isLessThan(300);
    assertThat(ProcessFleet.backlog(options.withJobs(20_000)))
        .isEqualTo(DemoOptions.DEFAULT_MAX_BACKLOG);
  }
}
