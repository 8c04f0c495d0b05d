package io.fenceq.reshard;

import io.fenceq.ring.Lane;
import java.util.concurrent.atomic.AtomicInteger;

/** A ring epoch held in memory for tests, counting its reads. */
public final class InMemoryRingEpochs implements RingEpochSource {
  private volatile RingEpoch epoch;
  public final AtomicInteger reads = new AtomicInteger();

  public InMemoryRingEpochs(RingEpoch epoch) {
    this.epoch = epoch;
  }

  public void set(RingEpoch epoch) {
    this.epoch = epoch;
  }

  @Override
  public RingEpoch read() {
    reads.incrementAndGet();
    return epoch;
  }

  @Override
  public synchronized boolean clearBarrier(long e, Lane lane) {
    if (epoch.epoch() != e || !epoch.pending(lane)) {
      return false;
    }
    epoch = epoch.cleared(lane);
    return true;
  }
}
