package io.fenceq.kafka;

import io.fenceq.ring.MemberRing;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The ring over the partitions of a topic of a given size: a {@link MemberRing} whose members are
 * named {@code partition-0} to {@code partition-<n-1>}, so that the placement is the one
 * docs/ring.md specifies for any members, and a producer in another language can compute it.
 * Partition {@code i}'s points depend only on its own name, which is why adding partition {@code n}
 * moves only the keys that now fall on its points.
 */
final class PartitionRing {
  private final MemberRing ring;
  private final Map<String, Integer> partitionOf;

  private PartitionRing(MemberRing ring, Map<String, Integer> partitionOf) {
    this.ring = ring;
    this.partitionOf = partitionOf;
  }

  /** The ring of {@code partitions} partitions at {@code virtualNodes} points each. */
  static PartitionRing of(int partitions, int virtualNodes) {
    MemberRing.Builder builder = MemberRing.builder().virtualNodes(virtualNodes);
    Map<String, Integer> partitionOf = new HashMap<>();
    IntStream.range(0, partitions)
        .forEach(
            p -> {
              builder.member(memberName(p));
              partitionOf.put(memberName(p), p);
            });
    return new PartitionRing(builder.build(), Map.copyOf(partitionOf));
  }

  /** The member name of partition {@code partition} on the ring: {@code partition-7}. */
  static String memberName(int partition) {
    return "partition-" + partition;
  }

  /** The partition of a key, hashed as its serialized bytes. */
  int partitionFor(byte[] keyBytes) {
    return partitionOf.get(ring.memberFor(keyBytes));
  }
}
