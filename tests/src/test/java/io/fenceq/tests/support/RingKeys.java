package io.fenceq.tests.support;

import io.fenceq.ring.HashRing;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Keys a reshard test needs: those two rings (two ring epochs) place in different lanes, and those
 * they place alike. Candidates are {@code sku-0} to {@code sku-9999}, tried in that order, so a
 * test picks the same keys on every run and every JVM: the ring's placement is fixed.
 */
public final class RingKeys {
  private static final int CANDIDATES = 10_000;

  private RingKeys() {}

  /** Whether {@code key} runs in another lane once {@code after} replaces {@code before}. */
  public static boolean moves(HashRing before, HashRing after, String key) {
    return !before.laneFor(key).equals(after.laneFor(key));
  }

  /** The first SKU that {@code after} places in another lane than {@code before}. */
  public static String moved(HashRing before, HashRing after) {
    return moved(before, after, 1).getFirst();
  }

  /** The first {@code count} SKUs that {@code after} places in another lane than {@code before}. */
  public static List<String> moved(HashRing before, HashRing after, int count) {
    return skus(count, k -> moves(before, after, k), "moved", before, after);
  }

  /** The first {@code count} SKUs that both rings place in the same lane. */
  public static List<String> staying(HashRing before, HashRing after, int count) {
    return skus(count, k -> !moves(before, after, k), "staying", before, after);
  }

  private static List<String> skus(
      int count, Predicate<String> which, String what, HashRing before, HashRing after) {
    List<String> found =
        IntStream.range(0, CANDIDATES)
            .mapToObj(i -> "sku-" + i)
            .filter(which)
            .limit(count)
            .toList();
    if (found.size() < count) {
      // Only rings that place (nearly) every key alike, or every key apart, get here.
      throw new IllegalStateException(
          "only "
              + found.size()
              + " of "
              + count
              + " "
              + what
              + " keys among sku-0..sku-"
              + (CANDIDATES - 1)
              + " between "
              + before
              + " and "
              + after);
    }
    return found;
  }
}
