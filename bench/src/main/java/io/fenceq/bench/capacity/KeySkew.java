package io.fenceq.bench.capacity;

/**
 * Shares of a Zipf key distribution, and what they mean for lanes and coalesced writes.
 *
 * <p>The hottest lane is modelled as the hottest key plus an even share of all the other keys: the
 * ring spreads the rest within a few percent (bench/run ring), and the hottest key dominates
 * everything else on its lane.
 */
public final class KeySkew {
  private final int keys;
  private final double exponent;
  private final double harmonic;

  public KeySkew(int keys, double exponent) {
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be at least 1, got " + keys);
    }
    if (!(exponent >= 0)) {
      throw new IllegalArgumentException("the Zipf exponent must be at least 0, got " + exponent);
    }
    this.keys = keys;
    this.exponent = exponent;
    double sum = 0;
    // smallest terms first, so that the sum loses no precision to the large ones
    for (int rank = keys; rank >= 1; rank--) {
      sum += Math.pow(rank, -exponent);
    }
    this.harmonic = sum;
  }

  /** The share of all jobs that go to the key of this rank (1 = the hottest). */
  public double share(int rank) {
    if (rank < 1 || rank > keys) {
      throw new IllegalArgumentException("rank must be 1 to " + keys + ", got " + rank);
    }
    return Math.pow(rank, -exponent) / harmonic;
  }

  /** The hottest key's share of all jobs. */
  public double hottestKeyShare() {
    return share(1);
  }

  /** The hottest lane's share of all jobs on {@code lanes} lanes. */
  public double hottestLaneShare(int lanes) {
    double hot = hottestKeyShare();
    return hot + (1 - hot) / lanes;
  }

  /**
   * The fraction of its lane's jobs that belong to the key of this share, on {@code lanes} lanes.
   */
  static double fractionOfLane(double keyShare, int lanes) {
    return keyShare / (keyShare + (1 - keyShare) / lanes);
  }

  /**
   * Jobs per fenced write for a key that makes up {@code fraction} of its lane's jobs, when the
   * engine coalesces each run of consecutive jobs of one key in a lane-batch of {@code batch}.
   *
   * <p>With each position of the batch being the key independently with probability f, the batch
   * holds b·f of its jobs in f + (b−1)·f·(1−f) runs on average: a run starts at the first position
   * when it is the key, and at any later one that is the key after one that is not.
   */
  static double jobsPerWrite(double fraction, double batch) {
    return batch / (1 + (batch - 1) * (1 - fraction));
  }

  /** Jobs per fenced write of the hottest key, in lane-batches of {@code batch}. */
  public double hottestKeyJobsPerWrite(int lanes, double batch) {
    return jobsPerWrite(fractionOfLane(hottestKeyShare(), lanes), batch);
  }

  /**
   * Fenced writes per job over all keys with coalescing, in lane-batches of {@code batch}: each
   * key's jobs weighted by its share. Between 1/batch (one key per lane) and 1 (no two neighbours
   * alike).
   */
  public double coalescedWritesPerJob(int lanes, double batch) {
    double writes = 0;
    for (int rank = keys; rank >= 1; rank--) {
      double share = Math.pow(rank, -exponent) / harmonic;
      writes += share / jobsPerWrite(fractionOfLane(share, lanes), batch);
    }
    return writes;
  }
}
