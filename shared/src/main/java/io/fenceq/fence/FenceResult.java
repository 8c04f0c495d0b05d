package io.fenceq.fence;

/** What a fenced write did. */
public enum FenceResult {
  /** The write was made, and the entity now carries the write's fence and sequence number. */
  APPLIED,

  /**
   * Nothing was written because this job, or a later job of the entity, was already applied under a
   * fence no newer than the write's: a successful no-op (a redelivery), so the job is done.
   */
  DUPLICATE,

  /**
   * Nothing was written because the entity carries a newer fence: another holder took over this
   * lease. The handler must stop and do nothing more under its fence; this is never a success.
   */
  FENCED
}
