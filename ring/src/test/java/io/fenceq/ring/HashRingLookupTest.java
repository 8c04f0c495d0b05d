package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds the ring's bucketed lookup to a plain binary search over all of the same points, the lookup
 * it replaces, at the positions where a bucket index could go wrong.
 */
class HashRingLookupTest {

  private static final Map<String, Case> CASES = new ConcurrentHashMap<>();

  /** A ring and its points searched the plain way, without buckets. */
  record Case(HashRing ring, long[] points, short[] owners) {

    static Case of(int lanes, int virtualNodes) {
      return of(HashRing.builder().lanes(lanes).virtualNodes(virtualNodes).build());
    }

    static Case of(HashRing ring) {
      // Equal descriptors mean equal rings, so each is built and placed once per run.
      return CASES.computeIfAbsent(
          ring.descriptor(),
          descriptor -> {
            RingPoints placed =
                RingPoints.place(ring.lanes().toArray(Lane[]::new), ring.virtualNodes());
            return new Case(ring, placed.points(), placed.owners());
          });
    }

    int plainAtOrAfter(long hash) {
      int at = Arrays.binarySearch(points, hash ^ Long.MIN_VALUE);
      if (at < 0) {
        at = -at - 1;
        if (at == points.length) {
          at = 0;
        }
      }
      return at;
    }

    void assertSamePosition(long hash) {
      assertThat(ring.pointAtOrAfter(hash))
          .as("position for hash %016x in %s", hash, ring)
          .isEqualTo(plainAtOrAfter(hash));
    }

    /** The hash whose bucket is {@code bucket} and whose remaining bits are {@code low}. */
    long hashIn(long bucket, long low) {
      int shift = Long.SIZE - ring.bucketBits();
      return (bucket << shift) | (low & (-1L >>> ring.bucketBits()));
    }

    boolean bucketIsEmpty(long bucket) {
      long first = hashIn(bucket, 0) ^ Long.MIN_VALUE;
      long last = hashIn(bucket, -1L) ^ Long.MIN_VALUE;
      int at = plainAtOrAfterBiased(first);
      return at == points.length || points[at] > last;
    }

    private int plainAtOrAfterBiased(long biased) {
      int at = Arrays.binarySearch(points, biased);
      return at < 0 ? -at - 1 : at;
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 256, 1024})
  void randomKeysGetTheLaneOfAPlainSearch(int lanes) {
    Case ring = Case.of(lanes, HashRing.DEFAULT_VIRTUAL_NODES);
    Random random = new Random(lanes);
    for (int i = 0; i < 100_000; i++) {
      byte[] key = RandomKeys.unicode(random).getBytes(StandardCharsets.UTF_8);
      Lane plain = ring.ring().lanes().get(ring.owners()[ring.plainAtOrAfter(Murmur3.hash64(key))]);
      assertThat(ring.ring().laneFor(key)).isEqualTo(plain);
    }
  }

  @ParameterizedTest
  @CsvSource({"16,2048", "256,2048", "1024,2048", "1,1", "3,5", "64,33"})
  void randomHashesGetThePositionOfAPlainSearch(int lanes, int virtualNodes) {
    Case ring = Case.of(lanes, virtualNodes);
    Random random = new Random(lanes * 31L + virtualNodes);
    for (int i = 0; i < 200_000; i++) {
      ring.assertSamePosition(random.nextLong());
    }
  }

  @ParameterizedTest
  @CsvSource({"16,2048", "256,2048", "1024,2048", "1,1", "3,5", "64,33"})
  void hashesOnAndBesideEveryRingPointGetThePositionOfAPlainSearch(int lanes, int virtualNodes) {
    Case ring = Case.of(lanes, virtualNodes);
    long[] points = ring.points();
    for (int j = 0; j < points.length; j++) {
      long hash = points[j] ^ Long.MIN_VALUE;
      assertThat(ring.ring().pointAtOrAfter(hash)).as("hash on point %d", j).isEqualTo(j);
      ring.assertSamePosition(hash - 1);
      ring.assertSamePosition(hash + 1);
    }
  }

  @ParameterizedTest
  @CsvSource({"16,2048", "256,2048", "1024,2048", "1,1", "3,5", "64,33"})
  void theSmallestAndLargestHashesGetThePositionOfAPlainSearch(int lanes, int virtualNodes) {
    Case ring = Case.of(lanes, virtualNodes);
    // Unsigned order: 0 is the smallest hash and -1 the largest; MAX and MIN meet mid-circle.
    for (long hash : new long[] {0L, 1L, -1L, -2L, Long.MAX_VALUE, Long.MIN_VALUE}) {
      ring.assertSamePosition(hash);
    }
    assertThat(ring.ring().pointAtOrAfter(0L)).isZero();
  }

  @ParameterizedTest
  @CsvSource({"16,2048", "256,2048", "1024,2048", "1,1", "3,5", "64,33"})
  void hashesPastTheLastPointWrapToTheFirst(int lanes, int virtualNodes) {
    Case ring = Case.of(lanes, virtualNodes);
    long last = ring.points()[ring.points().length - 1] ^ Long.MIN_VALUE;
    assertThat(last).as("largest point is not the largest hash").isNotEqualTo(-1L);

    assertThat(ring.ring().pointAtOrAfter(last)).isEqualTo(ring.points().length - 1);
    assertThat(ring.ring().pointAtOrAfter(last + 1)).isZero();
    assertThat(ring.ring().pointAtOrAfter(-1L)).isZero();
  }

  @ParameterizedTest
  @CsvSource({"16,2048", "256,2048", "1024,2048", "1,1", "3,5", "64,33"})
  void everyBucketEdgeGetsThePositionOfAPlainSearch(int lanes, int virtualNodes) {
    Case ring = Case.of(lanes, virtualNodes);
    long buckets = 1L << ring.ring().bucketBits();
    for (long b = 0; b < buckets; b++) {
      ring.assertSamePosition(ring.hashIn(b, 0));
      ring.assertSamePosition(ring.hashIn(b, -1L));
    }
  }

  @ParameterizedTest
  @CsvSource({"16,2048,12", "256,2048,16", "1024,2048,18", "64,33,8", "3,5,1", "1,1,1"})
  void bucketsHoldEightToSixteenPointsOnAverage(int lanes, int virtualNodes, int bits) {
    Case ring = Case.of(lanes, virtualNodes);
    assertThat(ring.ring().bucketBits()).isEqualTo(bits);
    if (ring.points().length >= 16) {
      assertThat(ring.points().length >> bits).isBetween(8, 15);
    }
  }

  @ParameterizedTest
  @CsvSource({"256,2048", "1024,2048", "64,33"})
  void hashesInEmptyBucketsGetThePositionOfAPlainSearch(int lanes, int virtualNodes) {
    Case ring = Case.of(lanes, virtualNodes);
    long buckets = 1L << ring.ring().bucketBits();
    Random random = new Random(lanes);
    int empty = 0;
    for (long b = 0; b < buckets; b++) {
      if (ring.bucketIsEmpty(b)) {
        empty++;
        for (long low : new long[] {0L, -1L, random.nextLong()}) {
          ring.assertSamePosition(ring.hashIn(b, low));
        }
      }
    }
    assertThat(empty).as("empty buckets in %s", ring.ring()).isPositive();
  }

  @Test
  void anEmptyFirstOrLastBucketLeadsToTheOnlyPoint() {
    // A ring of one point has two buckets, one of them empty: an empty last bucket must wrap to
    // the first point and an empty first bucket must reach the point in the next one.
    boolean firstEmpty = false;
    boolean lastEmpty = false;
    for (int lane = 0; lane < 16; lane++) {
      Case ring = Case.of(HashRing.builder().lanes(Set.of(new Lane(lane))).virtualNodes(1).build());
      assertThat(ring.ring().bucketBits()).isEqualTo(1);
      firstEmpty |= ring.bucketIsEmpty(0);
      lastEmpty |= ring.bucketIsEmpty(1);
      long point = ring.points()[0] ^ Long.MIN_VALUE;
      for (long hash : new long[] {0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, point - 1, point + 1}) {
        ring.assertSamePosition(hash);
        assertThat(ring.ring().pointAtOrAfter(hash)).isZero();
      }
    }
    assertThat(firstEmpty).as("some one-point ring has an empty first bucket").isTrue();
    assertThat(lastEmpty).as("some one-point ring has an empty last bucket").isTrue();
  }
}
