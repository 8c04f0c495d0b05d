package io.fenceq.local.demo;

/** Whether the demo's writes carry the fence and sequence-number condition. */
public enum Fencing {
  /** Every write goes through {@link io.fenceq.fence.DynamoDbFence}: the way fenceq is used. */
  ON,
  /**
   * UNSAFE, for the control experiment only: writes without the fence and sequence-number
   * condition, as a plain lock-based worker would. A paused worker's late write then lands, and the
   * checker must report it.
   */
  OFF
}
