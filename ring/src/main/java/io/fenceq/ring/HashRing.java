package io.fenceq.ring;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Maps keys to lanes by consistent hashing, so that all jobs of one key share a lane (an SQS FIFO
 * message group) and run one at a time, in order.
 *
 * <p>Producers and consumers on different versions and JVMs share a queue, so the mapping is a wire
 * contract and must never change. It is specified as follows.
 *
 * <h2>Placement (the contract)</h2>
 *
 * <ul>
 *   <li>{@code murmur3(b)} is MurmurHash3 x64 128-bit with seed 0 over the bytes {@code b}, reduced
 *       to the first 64-bit half h1 (what Guava's {@code
 *       Hashing.murmur3_128().hashBytes(b).asLong()} returns). {@code utf8(s)} is the UTF-8
 *       encoding of {@code s} as {@code String.getBytes(UTF_8)} produces it.
 *   <li>The virtual node {@code r} ({@code 0 <= r < V}) of lane {@code i} sits at point {@code
 *       murmur3(utf8(lane.id() + "#" + r))}, where {@code lane.id()} is {@code "lane-%04d"} of
 *       {@code i} and {@code r} is written in decimal without padding.
 *   <li>A key sits at point {@code murmur3(utf8(key))}.
 *   <li>The key belongs to the lane owning the first virtual-node point at or after the key's point
 *       in unsigned 64-bit order, wrapping around to the smallest point.
 *   <li>Equal points: the lower lane index wins.
 * </ul>
 *
 * <p>Because a lane's points depend only on its own id, adding a lane moves only the keys that now
 * land on the new lane's points, and removing a lane moves only that lane's keys.
 *
 * <p>A ring is immutable and safe to share between threads. It holds about ten and a half bytes per
 * virtual node ({@code lanes * virtualNodes} of them), e.g. 21 MiB for 1024 lanes at the default
 * {@value #DEFAULT_VIRTUAL_NODES} virtual nodes, and twice that while it is being built, so build
 * it once and keep it.
 */
public final class HashRing {

  /** The most lanes a ring may have: one per four-digit lane id. */
  public static final int MAX_LANES = Lane.MAX_INDEX + 1;

  /** The most virtual nodes per lane; beyond this balance barely improves while memory grows. */
  public static final int MAX_VIRTUAL_NODES = 8192;

  /**
   * The virtual nodes per lane unless set: the smallest of the counts measured that keeps the
   * busiest lane within 8% of the mean at 256 lanes and a million keys (1.078; 1536 gives 1.085).
   *
   * <p>Rings built without an explicit count depend on this value, so changing it moves keys on
   * every deployed queue.
   */
  public static final int DEFAULT_VIRTUAL_NODES = 2048;

  /** Names the hash and placement scheme in {@link #descriptor()}. */
  private static final String HASH_FAMILY = "m3";

  private final Lane[] lanes;
  private final List<Lane> laneList;
  private final int virtualNodes;
  private final PointTable table;
  private final String descriptor;

  private HashRing(Lane[] lanes, int virtualNodes) {
    this.lanes = lanes;
    this.laneList = List.of(lanes);
    this.virtualNodes = virtualNodes;
    this.table = new PointTable(RingPoints.place(lanes, virtualNodes));
    this.descriptor = describe(lanes, virtualNodes);
  }

  /**
   * Starts a ring whose lanes must be set; the virtual nodes default to {@value
   * #DEFAULT_VIRTUAL_NODES}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The usual ring: lanes {@code lane-0000} up to {@code lanes - 1} at the default virtual nodes.
   *
   * @throws IllegalArgumentException if {@code lanes} is not between 1 and {@value #MAX_LANES}
   */
  public static HashRing of(int lanes) {
    return builder().lanes(lanes).build();
  }

  /**
   * The lane that every job of {@code key} goes to; the key is encoded as UTF-8 first, so unpaired
   * surrogates become {@code '?'} as {@link String#getBytes(java.nio.charset.Charset)} does.
   */
  public Lane laneFor(String key) {
    Objects.requireNonNull(key, "key");
    return laneFor(key.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The lane for a key already held as UTF-8 bytes, so callers that have the bytes (e.g. from a
   * message) need not decode them; gives the same lane as {@link #laneFor(String)} for the same
   * key.
   */
  public Lane laneFor(byte[] utf8Key) {
    Objects.requireNonNull(utf8Key, "utf8Key");
    return lanes[table.ownerFor(Murmur3.hash64(utf8Key))];
  }

  /**
   * The position in the sorted points of the first point at or after {@code hash} in unsigned
   * order, wrapping around to 0; package-private so tests can probe exact points and bucket edges.
   */
  int pointAtOrAfter(long hash) {
    return table.pointAtOrAfter(hash);
  }

  /** How many top bits of a hash choose its bucket; package-private for tests. */
  int bucketBits() {
    return table.bucketBits();
  }

  /** How many lanes share the keys; part of the {@link #descriptor()}. */
  public int laneCount() {
    return lanes.length;
  }

  /** Points per lane; part of the contract, since a different count moves keys. */
  public int virtualNodes() {
    return virtualNodes;
  }

  /** The ring's lanes in index order, unmodifiable. */
  public List<Lane> lanes() {
    return laneList;
  }

  /**
   * A short string naming this ring's contract, stamped by producers on messages so a consumer can
   * tell that a message was placed by a different ring.
   *
   * <p>For lanes {@code 0..L-1} it is {@code m3-<L>x<V>}, e.g. {@code m3-256x2048}. Any other lane
   * set appends {@code -} and 16 lower-case hex digits of {@code murmur3} over the UTF-8 of the
   * lane ids joined by commas in index order, e.g. {@code m3-255x2048-0123456789abcdef}; equal
   * descriptors mean equal mappings.
   */
  public String descriptor() {
    return descriptor;
  }

  /**
   * The same virtual nodes over lanes {@code 0..lanes-1}: the ring after adding or retiring lanes
   * at the top, which moves keys only onto or off those lanes.
   *
   * @throws IllegalArgumentException if {@code lanes} is not between 1 and {@value #MAX_LANES}
   */
  public HashRing withLanes(int lanes) {
    return builder().lanes(lanes).virtualNodes(virtualNodes).build();
  }

  /**
   * This ring without one lane, e.g. to drain a lane: only that lane's keys move, each to the lane
   * that follows its point among the remaining ones.
   *
   * @throws IllegalArgumentException if the lane is not in this ring or is its only lane
   */
  public HashRing withoutLane(Lane lane) {
    Objects.requireNonNull(lane, "lane");
    if (Arrays.binarySearch(lanes, lane) < 0) {
      throw new IllegalArgumentException(lane + " is not in the ring " + descriptor);
    }
    if (lanes.length == 1) {
      throw new IllegalArgumentException("cannot remove " + lane + ", the only lane of the ring");
    }
    Lane[] rest = Arrays.stream(lanes).filter(l -> !l.equals(lane)).toArray(Lane[]::new);
    return new HashRing(rest, virtualNodes);
  }

  /** Rings are equal when they have the same lanes and virtual nodes, i.e. the same mapping. */
  @Override
  public boolean equals(Object o) {
    return o instanceof HashRing other
        && virtualNodes == other.virtualNodes
        && Arrays.equals(lanes, other.lanes);
  }

  /** Consistent with {@link #equals(Object)}. */
  @Override
  public int hashCode() {
    return 31 * virtualNodes + Arrays.hashCode(lanes);
  }

  /** Returns the {@link #descriptor()}. */
  @Override
  public String toString() {
    return descriptor;
  }

  private static String describe(Lane[] lanes, int virtualNodes) {
    String base = HASH_FAMILY + "-" + lanes.length + "x" + virtualNodes;
    // Lanes are sorted and distinct, so they are exactly 0..L-1 when the last one is L-1.
    if (lanes[lanes.length - 1].index() == lanes.length - 1) {
      return base;
    }
    StringBuilder ids = new StringBuilder();
    for (Lane lane : lanes) {
      if (!ids.isEmpty()) {
        ids.append(',');
      }
      ids.append(lane.id());
    }
    long digest = Murmur3.hash64(ids.toString().getBytes(StandardCharsets.UTF_8));
    return base + "-" + HexFormat.of().toHexDigits(digest);
  }

  /**
   * Collects a ring's settings; lanes are required and the virtual nodes default to {@value
   * #DEFAULT_VIRTUAL_NODES}.
   */
  public static final class Builder {

    private Lane[] lanes;
    private int virtualNodes = DEFAULT_VIRTUAL_NODES;

    private Builder() {}

    /**
     * Uses lanes {@code lane-0000} up to {@code count - 1}, the usual layout.
     *
     * @throws IllegalArgumentException if {@code count} is not between 1 and {@value #MAX_LANES}
     */
    public Builder lanes(int count) {
      checkLaneCount(count);
      Lane[] chosen = new Lane[count];
      for (int i = 0; i < count; i++) {
        chosen[i] = new Lane(i);
      }
      this.lanes = chosen;
      return this;
    }

    /**
     * Uses exactly the given lanes, for layouts with gaps such as a lane taken out of service.
     *
     * @throws IllegalArgumentException if the set is empty
     */
    public Builder lanes(Set<Lane> lanes) {
      // Set.copyOf rejects null lanes before they could reach the ring.
      Lane[] chosen = Set.copyOf(lanes).toArray(Lane[]::new);
      checkLaneCount(chosen.length);
      Arrays.sort(chosen);
      this.lanes = chosen;
      return this;
    }

    /**
     * Sets the points per lane: more points spread keys more evenly but cost memory and build time.
     *
     * @throws IllegalArgumentException if {@code count} is not between 1 and {@value
     *     #MAX_VIRTUAL_NODES}
     */
    public Builder virtualNodes(int count) {
      requireValue(
          count >= 1 && count <= MAX_VIRTUAL_NODES,
          "virtualNodes",
          "must be between 1 and " + MAX_VIRTUAL_NODES,
          count);
      this.virtualNodes = count;
      return this;
    }

    /**
     * Places every virtual node; takes time proportional to {@code lanes * virtualNodes}.
     *
     * @throws IllegalStateException if no lanes were set
     */
    public HashRing build() {
      if (lanes == null) {
        throw new IllegalStateException("lanes must be set before build()");
      }
      return new HashRing(lanes.clone(), virtualNodes);
    }

    private static void checkLaneCount(int count) {
      requireValue(
          count >= 1 && count <= MAX_LANES, "lanes", "must be between 1 and " + MAX_LANES, count);
    }

    /** {@code <name> <rule>, got <value>}, the message of fenceq's other refused values. */
    private static void requireValue(boolean ok, String name, String rule, Object value) {
      if (!ok) {
        throw new IllegalArgumentException(name + " " + rule + ", got " + value);
      }
    }
  }
}
