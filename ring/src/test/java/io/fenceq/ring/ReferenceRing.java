package io.fenceq.ring;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The placement rules of {@link HashRing} carried out literally and slowly, sharing no code with
 * it: Guava hashes every point and each lookup scans all points.
 */
final class ReferenceRing {

  private static final HashFunction MURMUR3 = Hashing.murmur3_128();

  private final int[] ownerIndex;
  private final long[] points;

  /**
   * @param laneIndexes the ring's lanes in ascending order
   */
  ReferenceRing(int[] laneIndexes, int virtualNodes) {
    ownerIndex = new int[laneIndexes.length * virtualNodes];
    points = new long[ownerIndex.length];
    int next = 0;
    for (int lane : laneIndexes) {
      String prefix = String.format(Locale.ROOT, "lane-%04d#", lane);
      for (int r = 0; r < virtualNodes; r++) {
        ownerIndex[next] = lane;
        points[next] = hash((prefix + r).getBytes(StandardCharsets.UTF_8));
        next++;
      }
    }
  }

  static ReferenceRing firstLanes(int lanes, int virtualNodes) {
    int[] indexes = new int[lanes];
    for (int i = 0; i < lanes; i++) {
      indexes[i] = i;
    }
    return new ReferenceRing(indexes, virtualNodes);
  }

  static long hash(byte[] bytes) {
    return MURMUR3.hashBytes(bytes).asLong();
  }

  /** The lane index of the first point at or after the key's, wrapping; lower lane on ties. */
  int laneFor(byte[] utf8Key) {
    long key = hash(utf8Key);
    int atOrAfter = -1;
    int smallest = -1;
    for (int j = 0; j < points.length; j++) {
      if (Long.compareUnsigned(points[j], key) >= 0 && precedes(j, atOrAfter)) {
        atOrAfter = j;
      }
      if (precedes(j, smallest)) {
        smallest = j;
      }
    }
    return ownerIndex[atOrAfter >= 0 ? atOrAfter : smallest];
  }

  private boolean precedes(int candidate, int best) {
    if (best < 0) {
      return true;
    }
    int order = Long.compareUnsigned(points[candidate], points[best]);
    return order < 0 || (order == 0 && ownerIndex[candidate] < ownerIndex[best]);
  }
}
