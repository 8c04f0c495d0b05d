package io.fenceq.reshard;

import io.fenceq.ring.Lane;

/**
 * Where producers and consumers learn the ring's epoch: {@link RingConfigTable} in production, an
 * in-memory one in tests.
 */
public interface RingEpochSource {
  /** The ring's epoch as the source says now; epoch 0 with the configured lanes if never set. */
  RingEpoch read();

  /**
   * Marks the barrier of old lane {@code lane} of the reshard into {@code epoch} as passed;
   * idempotent.
   *
   * @return whether this call cleared it (false: cleared before, or not of that epoch)
   */
  boolean clearBarrier(long epoch, Lane lane);
}
