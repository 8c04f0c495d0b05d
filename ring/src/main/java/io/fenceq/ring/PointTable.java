package io.fenceq.ring;

import java.util.Arrays;

/**
 * A ring's sorted points and their owners, indexed for lookup: the search that {@link HashRing} and
 * {@link MemberRing} share.
 *
 * <p>A lookup only searches the points whose top {@code bucketBits} bits equal its own: {@code
 * bucketStarts[b]} is the first position at or past bucket {@code b}'s range, and {@code
 * bucketStarts[b + 1]} ends it. Searching all points costs a cache miss per halving once they
 * outgrow the caches; a bucket of about eight points spans one or two cache lines instead. So the
 * bits scale with the point count to keep eight points per bucket on average: the index adds half a
 * byte per point, 5% on top of the ten bytes a point already takes.
 */
final class PointTable {
  // Points with the sign bit flipped, so that signed order is the unsigned order of the spec;
  // ascending and distinct, ties already resolved to the first placed owner.
  private final long[] points;
  // owners[j] is the position, in the ring's own array, of the owner of points[j]; rings have at
  // most 10000 owners, so a short holds it and the table takes less memory than with ints.
  private final short[] owners;
  private final int bucketBits;
  private final int[] bucketStarts;

  PointTable(RingPoints placed) {
    this.points = placed.points();
    this.owners = placed.owners();
    this.bucketBits = Math.max(1, log2(points.length) - 3);
    this.bucketStarts = bucketStarts(points, bucketBits);
  }

  /** The owner position of the first point at or after {@code hash}, wrapping around. */
  int ownerFor(long hash) {
    return owners[pointAtOrAfter(hash)];
  }

  /** The owner position of the point at position {@code at}. */
  int ownerAt(int at) {
    return owners[at];
  }

  /** How many distinct points the ring has. */
  int size() {
    return points.length;
  }

  /**
   * The position in the sorted points of the first point at or after {@code hash} in unsigned
   * order, wrapping around to 0.
   */
  int pointAtOrAfter(long hash) {
    int bucket = (int) (hash >>> (Long.SIZE - bucketBits));
    // Points before the bucket are below the hash and points from the next bucket on are above
    // it, so the position within the bucket (or its end) is the position among all points.
    int at =
        Arrays.binarySearch(
            points, bucketStarts[bucket], bucketStarts[bucket + 1], hash ^ Long.MIN_VALUE);
    if (at < 0) {
      at = -at - 1;
      if (at == points.length) {
        at = 0; // past the largest point: wrap around to the smallest
      }
    }
    return at;
  }

  int bucketBits() {
    return bucketBits;
  }

  private static int log2(int n) {
    return Integer.SIZE - 1 - Integer.numberOfLeadingZeros(n);
  }

  /**
   * Where each bucket of the sign-biased, ascending points starts, and after the last bucket the
   * point count, by counting the points of each bucket.
   */
  private static int[] bucketStarts(long[] points, int bits) {
    int[] starts = new int[(1 << bits) + 1];
    for (long point : points) {
      starts[(int) ((point ^ Long.MIN_VALUE) >>> (Long.SIZE - bits)) + 1]++;
    }
    for (int b = 1; b < starts.length; b++) {
      starts[b] += starts[b - 1];
    }
    return starts;
  }
}
