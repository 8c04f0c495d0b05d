package io.fenceq.pool;

import java.util.Set;

/**
 * Told, on the pool's thread, when the live members change: which of the tracked keys this worker
 * gained and lost. Must not block for long: the next refresh (and the worker's registration
 * renewal) waits for it.
 */
@FunctionalInterface
public interface PoolListener {
  /**
   * @param view the new view
   * @param gained tracked keys this worker owns now and did not before
   * @param lost tracked keys this worker owned before and does not now
   */
  void membershipChanged(PoolView view, Set<String> gained, Set<String> lost);
}
