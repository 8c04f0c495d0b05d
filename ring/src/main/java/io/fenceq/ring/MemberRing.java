package io.fenceq.ring;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * A consistent-hash ring over any named members: worker ids, partitions, targets. Every key goes to
 * one member; a member added takes only the keys that now fall on its points, and a member removed
 * gives away only its own keys, to the members that follow them.
 *
 * <p>The placement is the lane ring's ({@link HashRing}) for named members: member {@code m} of
 * weight {@code w} has {@code w * V} virtual nodes, node {@code r} at {@code murmur3(utf8(m + "#" +
 * r))}; a key at {@code murmur3(utf8(key))} belongs to the member of the first node at or after it,
 * in unsigned order, wrapping around; equal points go to the member whose name sorts first ({@link
 * String#compareTo}). So a ring of the members {@code lane-0000} to {@code lane-0255} maps every
 * key as {@code HashRing.of(256)} does.
 *
 * <pre>{@code
 * MemberRing workers = MemberRing.of("worker-a", "worker-b", "worker-c");
 * String owner = workers.memberFor("account-42");
 * MemberRing grown = workers.with("worker-d");       // about a quarter of the keys move, all to d
 * }</pre>
 *
 * <p>Immutable and safe to share between threads. It holds about ten and a half bytes per virtual
 * node: build it once per membership.
 */
public final class MemberRing {
  /** The most members a ring can have. */
  public static final int MAX_MEMBERS = 10_000;

  /** The largest weight of one member. */
  public static final int MAX_WEIGHT = 100;

  /** The longest member name, in UTF-16 characters. */
  public static final int MAX_NAME_LENGTH = 256;

  /** Virtual nodes per unit of weight unless set: the lane ring's. */
  public static final int DEFAULT_VIRTUAL_NODES = HashRing.DEFAULT_VIRTUAL_NODES;

  private final String[] names;
  private final int[] weights;
  private final int virtualNodes;
  private final PointTable table;
  private final SortedMap<String, Integer> members;

  private MemberRing(SortedMap<String, Integer> members, int virtualNodes) {
    this.names = members.keySet().toArray(String[]::new);
    this.weights = members.values().stream().mapToInt(Integer::intValue).toArray();
    this.virtualNodes = virtualNodes;
    int[] nodes = new int[names.length];
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = Math.multiplyExact(weights[i], virtualNodes);
    }
    this.table = new PointTable(RingPoints.place(names, nodes));
    this.members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
  }

  /** A ring of these members, each of weight 1, at the default virtual nodes. */
  public static MemberRing of(String... members) {
    Builder b = builder();
    for (String m : members) {
      b.member(m);
    }
    return b.build();
  }

  /** A ring of these members, each of weight 1, at the default virtual nodes. */
  public static MemberRing of(Iterable<String> members) {
    Builder b = builder();
    members.forEach(b::member);
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The member {@code key} belongs to; the key is hashed as its UTF-8 bytes. */
  public String memberFor(String key) {
    Objects.requireNonNull(key, "key");
    return memberFor(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The member a key already held as UTF-8 bytes belongs to. */
  public String memberFor(byte[] utf8Key) {
    Objects.requireNonNull(utf8Key, "utf8Key");
    return names[table.ownerFor(Murmur3.hash64(utf8Key))];
  }

  /** The members and their weights, by name. */
  public SortedMap<String, Integer> members() {
    return members;
  }

  /** How many members share the keys. */
  public int size() {
    return names.length;
  }

  /** Virtual nodes per unit of weight. */
  public int virtualNodes() {
    return virtualNodes;
  }

  /** Whether {@code name} is a member. */
  public boolean contains(String name) {
    return members.containsKey(name);
  }

  /**
   * This ring with {@code name} added at weight 1, or its weight set back to 1: only keys that now
   * fall on its points move, all to it.
   */
  public MemberRing with(String name) {
    return with(name, 1);
  }

  /** This ring with {@code name} added, or its weight changed, to {@code weight}. */
  public MemberRing with(String name, int weight) {
    SortedMap<String, Integer> next = new TreeMap<>(members);
    Builder.checkMember(name, weight);
    next.put(name, weight);
    Builder.checkSize(next.size());
    return new MemberRing(next, virtualNodes);
  }

  /**
   * This ring without {@code name}: only its keys move, each to the member of the next point.
   *
   * @throws IllegalArgumentException if it is not a member, or the only one
   */
  public MemberRing without(String name) {
    if (!members.containsKey(name)) {
      throw new IllegalArgumentException("member " + quote(name) + " is not in the ring");
    }
    if (members.size() == 1) {
      throw new IllegalArgumentException(
          "cannot remove " + quote(name) + ", the only member of the ring");
    }
    SortedMap<String, Integer> next = new TreeMap<>(members);
    next.remove(name);
    return new MemberRing(next, virtualNodes);
  }

  /**
   * The owners of the ring's points from the key's point on, clockwise: member positions, for the
   * bounded-load walk. {@code visit} returns true to stop.
   */
  int walk(byte[] utf8Key, IntPredicate visit) {
    int start = table.pointAtOrAfter(Murmur3.hash64(utf8Key));
    int size = table.size();
    for (int step = 0; step < size; step++) {
      int owner = table.ownerAt((start + step) % size);
      if (visit.test(owner)) {
        return owner;
      }
    }
    return -1;
  }

  /** The name of the member at {@code position} in name order. */
  String nameAt(int position) {
    return names[position];
  }

  /** The weight of the member at {@code position} in name order. */
  int weightAt(int position) {
    return weights[position];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberRing other
        && virtualNodes == other.virtualNodes
        && members.equals(other.members);
  }

  @Override
  public int hashCode() {
    return 31 * virtualNodes + members.hashCode();
  }

  @Override
  public String toString() {
    return "MemberRing" + members + " x" + virtualNodes;
  }

  private static String quote(String name) {
    return name == null ? "null" : '"' + name + '"';
  }

  /** Collects members and their weights; at least one member is required. */
  public static final class Builder {
    private final SortedMap<String, Integer> members = new TreeMap<>();
    private int virtualNodes = DEFAULT_VIRTUAL_NODES;

    private Builder() {}

    /** Adds a member of weight 1. */
    public Builder member(String name) {
      return member(name, 1);
    }

    /**
     * Adds a member whose share of the keys is proportional to {@code weight}.
     *
     * @throws IllegalArgumentException for a blank or too long name, a name given twice, or a
     *     weight outside 1 to {@value #MAX_WEIGHT}
     */
    public Builder member(String name, int weight) {
      checkMember(name, weight);
      if (members.putIfAbsent(name, weight) != null) {
        throw new IllegalArgumentException("member " + quote(name) + " is given twice");
      }
      checkSize(members.size());
      return this;
    }

    /** Virtual nodes per unit of weight; default {@value #DEFAULT_VIRTUAL_NODES}. */
    public Builder virtualNodes(int virtualNodes) {
      if (virtualNodes < 1 || virtualNodes > HashRing.MAX_VIRTUAL_NODES) {
        throw new IllegalArgumentException(
            "virtualNodes must be between 1 and "
                + HashRing.MAX_VIRTUAL_NODES
                + ", got "
                + virtualNodes);
      }
      this.virtualNodes = virtualNodes;
      return this;
    }

    /**
     * @throws IllegalStateException if no member was added
     */
    public MemberRing build() {
      if (members.isEmpty()) {
        throw new IllegalStateException("a ring needs at least one member");
      }
      long points = 0;
      for (int w : members.values()) {
        points += (long) w * virtualNodes;
      }
      if (points > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "the ring would have " + points + " virtual nodes: lower the weights or virtualNodes");
      }
      return new MemberRing(members, virtualNodes);
    }

    static void checkMember(String name, int weight) {
      if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            "a member name must be 1 to "
                + MAX_NAME_LENGTH
                + " characters and not blank, got "
                + quote(name));
      }
      if (weight < 1 || weight > MAX_WEIGHT) {
        throw new IllegalArgumentException(
            "the weight of member "
                + quote(name)
                + " must be between 1 and "
                + MAX_WEIGHT
                + ", got "
                + weight);
      }
    }

    static void checkSize(int size) {
      if (size > MAX_MEMBERS) {
        throw new IllegalArgumentException(
            "a ring has at most " + MAX_MEMBERS + " members, got " + size);
      }
    }
  }
}
