package io.fenceq.lease;

/**
 * The answer to {@link LaneLeases#release}: {@link Released}, or a {@link LeaseLoss} when the lease
 * had already passed to someone else (then nothing was changed).
 */
public sealed interface ReleaseResult permits ReleaseResult.Released, LeaseLoss {

  /**
   * The lease is free: its owner was removed and its fence kept, so the next grant mints a larger
   * one.
   *
   * @param id the lease item's id
   * @param owner who released it
   * @param fence the fence that was released
   */
  record Released(String id, String owner, long fence) implements ReleaseResult {}
}
