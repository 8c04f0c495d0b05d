package io.fenceq.ring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a pool of members (workers) going through sizes such as 4, 5, 8, 7, 3 does to the keys they
 * share, for the ring, for bounded loads and for {@code hash % N}: which fraction of keys moves at
 * each step, and how unevenly they are spread after it.
 *
 * <p>Members are named {@code worker-1}, {@code worker-2}, ... in the order they joined. A step up
 * adds new workers; a step down by one is a crash of the worker in the middle of the list; a larger
 * step down is a scale-in, the newest workers leaving first. {@code hash % N} indexes the list of
 * live workers, which is what a pool that numbers its workers does, so removing one renumbers all
 * after it.
 */
public final class ScaleEvents {
  private ScaleEvents() {}

  /**
   * One step of a scale sequence.
   *
   * @param event what happened, e.g. {@code scale out: +worker-5}
   * @param before live workers before the step
   * @param after live workers after it
   * @param ring the ring's change
   * @param modulo {@code hash % N}'s change
   * @param bounded bounded loads' change (every key in use)
   * @param idealFraction the least any even placement must move
   * @param ringMaxOverMean the busiest worker's keys over the mean, after the step
   * @param moduloMaxOverMean the same for {@code hash % N}
   * @param boundedMaxOverMean the same for bounded loads
   */
  public record Step(
      String event,
      List<String> before,
      List<String> after,
      RingChange ring,
      RingChange modulo,
      RingChange bounded,
      double idealFraction,
      double ringMaxOverMean,
      double moduloMaxOverMean,
      double boundedMaxOverMean) {}

  /**
   * Runs the sequence {@code sizes} over {@code keys} synthetic keys.
   *
   * @throws IllegalArgumentException for fewer than two sizes, a size outside 1 to {@value
   *     MemberRing#MAX_MEMBERS}, or keys that are not positive
   */
  public static List<Step> simulate(int[] sizes, int keys, double epsilon, int virtualNodes) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException(
          "a scale sequence needs at least two sizes, got " + Arrays.toString(sizes));
    }
    for (int size : sizes) {
      if (size < 1 || size > MemberRing.MAX_MEMBERS) {
        throw new IllegalArgumentException(
            "pool sizes must be between 1 and " + MemberRing.MAX_MEMBERS + ", got " + size);
      }
    }
    List<String> keyList = RingChange.syntheticKeys(keys);
    Map<String, Long> hashes = new HashMap<>();
    for (String key : keyList) {
      hashes.put(key, Murmur3.hash64(key.getBytes(StandardCharsets.UTF_8)));
    }
    List<String> live = new ArrayList<>();
    int joined = 0;
    while (live.size() < sizes[0]) {
      live.add("worker-" + ++joined);
    }
    List<Step> steps = new ArrayList<>();
    for (int s = 1; s < sizes.length; s++) {
      List<String> before = List.copyOf(live);
      String event;
      if (sizes[s] > live.size()) {
        List<String> added = new ArrayList<>();
        while (live.size() < sizes[s]) {
          String name = "worker-" + ++joined;
          live.add(name);
          added.add("+" + name);
        }
        event = "scale out: " + String.join(" ", added);
      } else if (sizes[s] == live.size() - 1) {
        String crashed = live.remove((live.size() - 1) / 2);
        event = "crash: -" + crashed;
      } else if (sizes[s] < live.size()) {
        List<String> removed = new ArrayList<>();
        while (live.size() > sizes[s]) {
          removed.add("-" + live.remove(live.size() - 1));
        }
        event = "scale in: " + String.join(" ", removed);
      } else {
        event = "no change";
      }
      List<String> after = List.copyOf(live);
      steps.add(step(event, before, after, keyList, hashes, epsilon, virtualNodes));
    }
    return steps;
  }

  private static Step step(
      String event,
      List<String> before,
      List<String> after,
      List<String> keys,
      Map<String, Long> hashes,
      double epsilon,
      int virtualNodes) {
    MemberRing ringBefore = ring(before, virtualNodes);
    MemberRing ringAfter = ring(after, virtualNodes);
    Function<String, String> moduloBefore = modulo(before, hashes);
    Function<String, String> moduloAfter = modulo(after, hashes);
    Map<String, String> boundedBefore = BoundedLoads.of(ringBefore, epsilon).assign(keys);
    Map<String, String> boundedAfter = BoundedLoads.of(ringAfter, epsilon).assign(keys);
    return new Step(
        event,
        before,
        after,
        RingChange.between(ringBefore::memberFor, ringAfter::memberFor, keys),
        RingChange.between(moduloBefore, moduloAfter, keys),
        RingChange.between(boundedBefore, boundedAfter),
        RingChange.idealFraction(before, after),
        maxOverMean(keys, ringAfter::memberFor, after.size()),
        maxOverMean(keys, moduloAfter, after.size()),
        maxOverMean(keys, boundedAfter::get, after.size()));
  }

  private static MemberRing ring(List<String> members, int virtualNodes) {
    MemberRing.Builder b = MemberRing.builder().virtualNodes(virtualNodes);
    members.forEach(b::member);
    return b.build();
  }

  /** {@code hash % N} over the live list, the hash being the ring's own key hash. */
  private static Function<String, String> modulo(List<String> live, Map<String, Long> hashes) {
    return key -> live.get((int) Long.remainderUnsigned(hashes.get(key), live.size()));
  }

  private static double maxOverMean(
      List<String> keys, Function<String, String> placement, int members) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String key : keys) {
      counts.merge(placement.apply(key), 1, Integer::sum);
    }
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return max / ((double) keys.size() / members);
  }
}
