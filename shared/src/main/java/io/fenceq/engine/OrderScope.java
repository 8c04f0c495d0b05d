package io.fenceq.engine;

/**
 * How far a failed job holds back the jobs received behind it in its lane-batch (the up to 10
 * messages of one lane that one receive brought). Either way the jobs of one key take effect in the
 * order they were enqueued (invariant S2).
 */
public enum OrderScope {
  /**
   * The default. A lane-batch's distinct keys run concurrently, up to {@link
   * EngineConfig#keyConcurrency()} at once, each key's jobs in order. A failed job holds back only
   * the later jobs of its own key in the batch (they go back with it, in order); the other keys'
   * jobs run on. Jobs of different keys may take effect in any order.
   */
  KEY,

  /**
   * The lane-batch's jobs run one after another in received order, whatever {@link
   * EngineConfig#keyConcurrency()} says, and the first failed job holds back every job behind it,
   * of any key: order across the keys of one lane, for handlers that rely on it.
   */
  LANE
}
