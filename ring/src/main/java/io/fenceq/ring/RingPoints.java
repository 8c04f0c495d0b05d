package io.fenceq.ring;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The sorted virtual-node points of a ring and the lane (or member) owning each, as {@link
 * PointTable} searches them.
 *
 * @param points the points with the sign bit flipped, ascending and distinct
 * @param owners for each point, the position of its lane in the lane array it was placed from
 */
record RingPoints(long[] points, short[] owners) {

  private static final int DIGIT_BITS = 16;
  private static final int DIGIT_MASK = (1 << DIGIT_BITS) - 1;

  /**
   * Places {@code virtualNodes} points for each lane as the {@link HashRing} contract says.
   *
   * @param lanes distinct lanes in ascending index order, at most {@link HashRing#MAX_LANES}
   */
  static RingPoints place(Lane[] lanes, int virtualNodes) {
    String[] ids = new String[lanes.length];
    int[] nodes = new int[lanes.length];
    for (int i = 0; i < lanes.length; i++) {
      ids[i] = lanes[i].id();
      nodes[i] = virtualNodes;
    }
    return place(ids, nodes);
  }

  /**
   * Places {@code nodes[i]} points for the member {@code ids[i]}, point {@code r} at {@code
   * murmur3(utf8(id + "#" + r))}: the lanes' contract, for any named members.
   *
   * @param ids distinct member ids in the order that resolves equal points (the first wins), at
   *     most {@value Short#MAX_VALUE}
   * @param nodes the points of each member, positive
   */
  static RingPoints place(String[] ids, int[] nodes) {
    int count = 0;
    for (int n : nodes) {
      count = Math.addExact(count, n);
    }
    long[] hashes = new long[count];
    short[] owners = new short[count];
    int next = 0;
    for (int position = 0; position < ids.length; position++) {
      String prefix = ids[position] + "#";
      for (int r = 0; r < nodes[position]; r++) {
        hashes[next] = Murmur3.hash64((prefix + r).getBytes(StandardCharsets.UTF_8));
        owners[next] = (short) position;
        next++;
      }
    }
    return fromPlaced(hashes, owners);
  }

  /**
   * Orders placed points for lookup, resolving equal points to the first placed, i.e. the lower
   * lane.
   *
   * @param hashes raw point hashes in placement order (lane by lane, ascending); reordered
   * @param owners the lane position of each hash, ascending; reordered along with the hashes
   */
  static RingPoints fromPlaced(long[] hashes, short[] owners) {
    sortUnsigned(hashes, owners);
    int distinct = keepFirstOfEqual(hashes, owners);
    for (int i = 0; i < distinct; i++) {
      hashes[i] ^= Long.MIN_VALUE;
    }
    if (distinct == hashes.length) {
      return new RingPoints(hashes, owners);
    }
    return new RingPoints(Arrays.copyOf(hashes, distinct), Arrays.copyOf(owners, distinct));
  }

  /**
   * Sorts points in unsigned order, moving each owner along with its point.
   *
   * <p>A stable LSD radix sort: rings hold millions of points, and sorting pairs this way is
   * several times faster than any comparison sort over boxed pairs or an index. Being stable, it
   * keeps equal points in placement order, which is ascending lane order.
   */
  private static void sortUnsigned(long[] points, short[] owners) {
    int n = points.length;
    long[] pointsFrom = points;
    short[] ownersFrom = owners;
    long[] pointsTo = new long[n];
    short[] ownersTo = new short[n];
    int[] starts = new int[DIGIT_MASK + 2];
    for (int shift = 0; shift < Long.SIZE; shift += DIGIT_BITS) {
      Arrays.fill(starts, 0);
      for (long point : pointsFrom) {
        starts[digit(point, shift) + 1]++;
      }
      for (int d = 0; d <= DIGIT_MASK; d++) {
        starts[d + 1] += starts[d];
      }
      for (int i = 0; i < n; i++) {
        int at = starts[digit(pointsFrom[i], shift)]++;
        pointsTo[at] = pointsFrom[i];
        ownersTo[at] = ownersFrom[i];
      }
      long[] emptiedPoints = pointsFrom;
      pointsFrom = pointsTo;
      pointsTo = emptiedPoints;
      short[] emptiedOwners = ownersFrom;
      ownersFrom = ownersTo;
      ownersTo = emptiedOwners;
    }
    // Four passes, an even number: the sorted data is back in the caller's arrays.
  }

  private static int digit(long point, int shift) {
    return (int) (point >>> shift) & DIGIT_MASK;
  }

  /**
   * Collapses runs of equal points to their first entry, the lowest lane, which is the one the
   * contract gives the point to; distinct points let a lookup stop at its first match.
   *
   * @return how many distinct points now lead the arrays
   */
  private static int keepFirstOfEqual(long[] points, short[] owners) {
    int distinct = points.length == 0 ? 0 : 1;
    for (int i = 1; i < points.length; i++) {
      if (points[i] != points[distinct - 1]) {
        points[distinct] = points[i];
        owners[distinct] = owners[i];
        distinct++;
      }
    }
    return distinct;
  }
}
