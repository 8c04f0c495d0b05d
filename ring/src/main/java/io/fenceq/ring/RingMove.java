package io.fenceq.ring;

/**
 * How many keys change lanes when one ring replaces another, measured on the synthetic keys {@code
 * "key-0"} to {@code "key-<N-1>"}, next to the least any placement could move.
 *
 * <p>A key that changes lanes while it has jobs queued may run out of order across the switch, so
 * resizing should move no more keys than it must. Comparing with the ideal shows the ring's
 * overhead.
 *
 * @param keys how many synthetic keys were placed on both rings
 * @param movedKeys keys whose lane differs between the two rings
 * @param movedFraction {@code movedKeys / keys}
 * @param idealFraction the smallest fraction any placement that spreads keys evenly must move, see
 *     {@link #idealFraction(HashRing, HashRing)}
 */
public record RingMove(int keys, int movedKeys, double movedFraction, double idealFraction) {

  /**
   * Places {@code keys} synthetic keys on both rings and counts those that change lanes.
   *
   * @throws IllegalArgumentException if {@code keys} is not positive
   */
  public static RingMove between(HashRing before, HashRing after, int keys) {
    RingBalance.checkKeys(keys);
    int moved = 0;
    for (int i = 0; i < keys; i++) {
      String key = RingBalance.syntheticKey(i);
      if (!before.laneFor(key).equals(after.laneFor(key))) {
        moved++;
      }
    }
    return new RingMove(keys, moved, (double) moved / keys, idealFraction(before, after));
  }

  /**
   * The least fraction of keys that must change lanes between two evenly spread rings: {@code 1 -
   * |shared lanes| / max(|before|, |after|)}.
   *
   * <p>A shared lane can keep at most the smaller of its two shares. Adding {@code K} lanes to
   * {@code L} gives {@code K / (L + K)}; removing {@code K} of {@code L} gives {@code K / L}.
   */
  public static double idealFraction(HashRing before, HashRing after) {
    boolean[] inAfter = new boolean[HashRing.MAX_LANES];
    after.lanes().forEach(lane -> inAfter[lane.index()] = true);
    long shared = before.lanes().stream().filter(lane -> inAfter[lane.index()]).count();
    int larger = Math.max(before.laneCount(), after.laneCount());
    // Written as (larger - shared) / larger so that adding one lane to L gives exactly 1 / (L + 1).
    return (double) (larger - shared) / larger;
  }

  /**
   * Moved over ideal, the ring's overhead at a glance: 1.0 is the best possible, 1.1 means ten
   * percent more keys moved than needed.
   *
   * <p>When no key needs to move (same lanes), it is 1.0 if none moved and positive infinity
   * otherwise, e.g. after changing only the virtual nodes.
   */
  public double movedOverIdeal() {
    if (idealFraction == 0) {
      return movedKeys == 0 ? 1.0 : Double.POSITIVE_INFINITY;
    }
    return movedFraction / idealFraction;
  }
}
