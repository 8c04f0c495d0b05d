package io.fenceq.tests.support;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.fence.FenceToken;
import io.fenceq.ring.Lane;
import java.time.Instant;

/** Lane contexts for calling a handler directly, without an engine. */
public final class JobContexts {
  private JobContexts() {}

  /**
   * The context of {@code job} (the last of a batch, for a batch handler) in lane 7 under {@code
   * fence}, first attempt, no deadline; its fence check always passes, so that only the downstream
   * fence can refuse a write.
   */
  public static JobContext of(Job job, long fence) {
    String jobSeq = job.seq();
    return new JobContext() {
      @Override
      public String key() {
        return job.key();
      }

      @Override
      public Lane lane() {
        return new Lane(7);
      }

      @Override
      public long fence() {
        return fence;
      }

      @Override
      public String seq() {
        return jobSeq;
      }

      @Override
      public int attempt() {
        return 1;
      }

      @Override
      public Instant deadline() {
        return Instant.MAX;
      }

      @Override
      public FenceToken fenceToken() {
        return new FenceToken(fence, jobSeq);
      }

      @Override
      public void checkFence() {}
    };
  }
}
