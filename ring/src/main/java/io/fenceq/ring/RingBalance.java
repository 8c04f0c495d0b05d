package io.fenceq.ring;

/**
 * How evenly a ring spreads keys over its lanes, measured on the synthetic keys {@code "key-0"} to
 * {@code "key-<N-1>"}.
 *
 * <p>An uneven ring overloads its busiest lane, and a lane runs one job at a time, so the busiest
 * lane bounds throughput. The keys are fixed rather than random so that the same ring always
 * reports the same figures and operators can compare settings.
 *
 * @param keys how many synthetic keys were placed
 * @param lanes how many lanes the ring has
 * @param minKeys keys on the emptiest lane
 * @param maxKeys keys on the busiest lane
 * @param meanKeys keys per lane if the spread were perfect, {@code keys / lanes}
 * @param maxOverMean {@code maxKeys / meanKeys}: how much busier than average the busiest lane is
 * @param minOverMean {@code minKeys / meanKeys}: how idle the emptiest lane is
 * @param coefficientOfVariation population standard deviation of keys per lane over {@code
 *     meanKeys}
 */
public record RingBalance(
    int keys,
    int lanes,
    int minKeys,
    int maxKeys,
    double meanKeys,
    double maxOverMean,
    double minOverMean,
    double coefficientOfVariation) {

  /**
   * Places {@code keys} synthetic keys on {@code ring} and summarizes the keys per lane.
   *
   * @throws IllegalArgumentException if {@code keys} is not positive
   */
  public static RingBalance measure(HashRing ring, int keys) {
    checkKeys(keys);
    // Counted by lane index, then read back in ring order so lanes with no key count as zero.
    int[] byIndex = new int[HashRing.MAX_LANES];
    for (int i = 0; i < keys; i++) {
      byIndex[ring.laneFor(syntheticKey(i)).index()]++;
    }
    int[] perLane = ring.lanes().stream().mapToInt(lane -> byIndex[lane.index()]).toArray();
    return fromCounts(keys, perLane);
  }

  /** The {@code i}-th synthetic key; shared with {@link RingMove} so both measure the same keys. */
  static String syntheticKey(int i) {
    return "key-" + i;
  }

  static void checkKeys(int keys) {
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be at least 1, got " + keys);
    }
  }

  /** Summarizes keys per lane; split out so the arithmetic can be checked on chosen counts. */
  static RingBalance fromCounts(int keys, int[] perLane) {
    int lanes = perLane.length;
    double mean = (double) keys / lanes;
    int min = Integer.MAX_VALUE;
    int max = 0;
    double squares = 0;
    for (int count : perLane) {
      min = Math.min(min, count);
      max = Math.max(max, count);
      double deviation = count - mean;
      squares += deviation * deviation;
    }
    double stddev = Math.sqrt(squares / lanes);
    return new RingBalance(keys, lanes, min, max, mean, max / mean, min / mean, stddev / mean);
  }
}
