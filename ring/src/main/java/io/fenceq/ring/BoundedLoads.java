package io.fenceq.ring;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, "Consistent Hashing
 * with Bounded Loads", 2018): no member gets more than {@code ceil((1 + epsilon) * m * w / W)} of
 * the {@code m} keys in use, {@code w} its weight and {@code W} the weights' sum. A key goes to the
 * first member clockwise from its point that still has room, so a hot region of the ring spills
 * over to its neighbours instead of overloading one member.
 *
 * <p>The price is stability: a key's member now depends on the other keys in use, so a change of
 * load can move keys that plain consistent hashing would keep; {@link RingChange} between two
 * assignments reports those moves. With {@code epsilon} large the assignment is the ring's own.
 *
 * <p>Immutable; {@link #assign} is a pure function of the keys and their order.
 */
public final class BoundedLoads {
  private final MemberRing ring;
  private final double epsilon;
  private final long totalWeight;

  private BoundedLoads(MemberRing ring, double epsilon) {
    this.ring = ring;
    this.epsilon = epsilon;
    this.totalWeight = ring.members().values().stream().mapToLong(Integer::longValue).sum();
  }

  /**
   * @param epsilon how far above its fair share a member may be loaded: 0.25 allows 25% above
   * @throws IllegalArgumentException unless {@code epsilon} is positive and finite
   */
  public static BoundedLoads of(MemberRing ring, double epsilon) {
    Objects.requireNonNull(ring, "ring");
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
    }
    return new BoundedLoads(ring, epsilon);
  }

  public MemberRing ring() {
    return ring;
  }

  public double epsilon() {
    return epsilon;
  }

  /** The most keys {@code member} may hold when {@code keys} keys are in use. */
  public int capacity(String member, int keys) {
    Integer weight = ring.members().get(member);
    if (weight == null) {
      throw new IllegalArgumentException("member \"" + member + "\" is not in the ring");
    }
    return capacity(weight, keys);
  }

  private int capacity(int weight, int keys) {
    return (int) Math.ceil((1 + epsilon) * keys * weight / totalWeight);
  }

  /**
   * Assigns every key, in the given order, to the first member clockwise from its point whose load
   * is still below its capacity for {@code keys.size()} keys. Duplicate keys count once.
   *
   * @return each key's member, in the keys' order
   */
  public Map<String, String> assign(Collection<String> keys) {
    Map<String, String> assigned = new LinkedHashMap<>();
    int distinct = (int) keys.stream().distinct().count();
    int[] capacities = new int[ring.size()];
    for (int p = 0; p < capacities.length; p++) {
      capacities[p] = capacity(ring.weightAt(p), distinct);
    }
    int[] loads = new int[ring.size()];
    for (String key : keys) {
      if (assigned.containsKey(key)) {
        continue;
      }
      int owner = ring.walk(key.getBytes(StandardCharsets.UTF_8), p -> loads[p] < capacities[p]);
      loads[owner]++;
      assigned.put(key, ring.nameAt(owner));
    }
    return assigned;
  }

  /** Keys per member of an assignment, every member listed. */
  public SortedMap<String, Integer> loads(Map<String, String> assignment) {
    SortedMap<String, Integer> loads = new TreeMap<>();
    ring.members().keySet().forEach(m -> loads.put(m, 0));
    assignment.values().forEach(m -> loads.merge(m, 1, Integer::sum));
    return loads;
  }
}
