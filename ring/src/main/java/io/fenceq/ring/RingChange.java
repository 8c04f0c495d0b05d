package io.fenceq.ring;

import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Which keys change members when one placement replaces another: how many, and from whom to whom. A
 * placement is any function from key to member: a {@link MemberRing}, a {@link BoundedLoads}
 * assignment, or {@code hash % N} for comparison.
 *
 * @param keys how many keys were placed both ways
 * @param movedKeys keys whose member differs
 * @param moves for each member that lost keys, the members that got them and how many
 */
public record RingChange(
    int keys, int movedKeys, SortedMap<String, SortedMap<String, Integer>> moves) {

  public RingChange {
    moves = Collections.unmodifiableSortedMap(moves);
  }

  /** Places {@code keys} both ways and counts the keys whose member changes. */
  public static RingChange between(
      Function<String, String> before, Function<String, String> after, Collection<String> keys) {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    SortedMap<String, SortedMap<String, Integer>> moves = new TreeMap<>();
    int placed = 0;
    int moved = 0;
    for (String key : keys) {
      placed++;
      String from = before.apply(key);
      String to = after.apply(key);
      if (!Objects.equals(from, to)) {
        moved++;
        moves.computeIfAbsent(from, f -> new TreeMap<>()).merge(to, 1, Integer::sum);
      }
    }
    return new RingChange(placed, moved, moves);
  }

  /** Two assignments of the same keys, e.g. {@link BoundedLoads#assign} before and after. */
  public static RingChange between(Map<String, String> before, Map<String, String> after) {
    if (!before.keySet().equals(after.keySet())) {
      throw new IllegalArgumentException("the two assignments must place the same keys");
    }
    return between(before::get, after::get, before.keySet());
  }

  /** Two rings, on the synthetic keys {@code key-0} to {@code key-<n-1>}. */
  public static RingChange between(MemberRing before, MemberRing after, int syntheticKeys) {
    return between(before::memberFor, after::memberFor, syntheticKeys(syntheticKeys));
  }

  /** The synthetic keys {@code key-0} to {@code key-<n-1>}, as {@code fenceq ring} places them. */
  public static List<String> syntheticKeys(int n) {
    RingBalance.checkKeys(n);
    return IntStream.range(0, n).mapToObj(RingBalance::syntheticKey).toList();
  }

  /**
   * The least fraction of keys any even placement must move between two equal-weight memberships:
   * {@code 1 - |shared| / max(|before|, |after|)}; adding {@code K} members to {@code N} gives
   * {@code K / (N + K)}.
   */
  public static double idealFraction(Collection<String> before, Collection<String> after) {
    Set<String> shared = new HashSet<>(before);
    shared.retainAll(new HashSet<>(after));
    int larger = Math.max(new HashSet<>(before).size(), new HashSet<>(after).size());
    return (double) (larger - shared.size()) / larger;
  }

  /** {@code movedKeys / keys}; 0 for no keys. */
  public double movedFraction() {
    return keys == 0 ? 0 : (double) movedKeys / keys;
  }

  /** How many keys went from {@code from} to {@code to}. */
  public int moved(String from, String to) {
    SortedMap<String, Integer> targets = moves.get(from);
    return targets == null ? 0 : targets.getOrDefault(to, 0);
  }
}
