package io.fenceq.engine.internal;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.LaneLostException;
import io.fenceq.fence.FenceToken;
import io.fenceq.ring.Lane;
import java.time.Instant;

/** The {@link JobContext} of one job: reads the lane's live state, never a copy of it. */
final class LaneContext implements JobContext {
  private final LaneRun run;
  private final LaneLiveness liveness;
  private final Job job;
  private final long fence;

  /**
   * @param fence the job's downstream fence, composed from the fence of the grant the job started
   *     under (renewals keep it) and the job's epoch
   */
  LaneContext(LaneRun run, LaneLiveness liveness, Job job, long fence) {
    this.run = run;
    this.liveness = liveness;
    this.job = job;
    this.fence = fence;
  }

  @Override
  public String key() {
    return job.key();
  }

  @Override
  public Lane lane() {
    return run.lane();
  }

  @Override
  public long fence() {
    return fence;
  }

  @Override
  public String seq() {
    return job.seq();
  }

  @Override
  public int attempt() {
    return job.attempt();
  }

  @Override
  public Instant deadline() {
    EngineParts parts = run.parts();
    Instant leaseEnd = parts.clock().instant().plus(parts.leases().remaining(liveness.lease()));
    Instant host = run.notAfter();
    return host != null && host.isBefore(leaseEnd) ? host : leaseEnd;
  }

  @Override
  public FenceToken fenceToken() {
    checkFence();
    return new FenceToken(fence, job.seq());
  }

  @Override
  public void checkFence() {
    String lost = liveness.lostReasonNow();
    if (lost != null) {
      throw new LaneLostException(
          "lane "
              + run.groupId()
              + " of queue "
              + run.parts().config().queueUrl()
              + " at fence "
              + liveness.lease().fence()
              + " (downstream fence "
              + fence
              + ") was lost: "
              + lost);
    }
  }

  @Override
  public String toString() {
    return "JobContext[queue="
        + run.parts().queueName()
        + " lane="
        + run.groupId()
        + " key="
        + job.key()
        + " fence="
        + fence
        + " laneFence="
        + liveness.lease().fence()
        + " seq="
        + job.seq()
        + " messageId="
        + job.messageId()
        + "]";
  }
}
