package io.fenceq.kafka;

import io.fenceq.ring.HashRing;
import io.fenceq.ring.MemberRing;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * A Kafka producer partitioner that places each key on a partition by consistent hashing, so that
 * adding partitions to a topic moves few keys. Kafka's default, {@code murmur2(keyBytes) % n},
 * moves about {@code n / (n + 1)} of the keys when a topic grows from {@code n} to {@code n + 1}
 * partitions, breaking each moved key's order and its consumer's locality; this partitioner moves
 * about {@code 1 / (n + 1)} of them, all to the new partition.
 *
 * <p>The partition of a key is the member of a {@link MemberRing} over the members {@code
 * partition-0} to {@code partition-<n-1>}, looked up by the serialized key bytes, where {@code n}
 * counts all the topic's partitions, available or not (a key keeps its partition while that
 * partition has no leader, as with Kafka's default). A key serialized as UTF-8 therefore gets
 * {@code MemberRing.memberFor(key)}'s partition, which other services and languages can compute
 * from docs/ring.md.
 *
 * <p>Records without a key are refused with an {@link IllegalArgumentException}, thrown from {@code
 * send}: a topic whose producer chose this partitioner is keyed, and a record without a key there
 * is almost always a key forgotten; spreading it silently would lose the order the partitioner
 * exists to keep. Send keyless records with a producer that keeps Kafka's default partitioner.
 *
 * <p>Set it with {@code partitioner.class=io.fenceq.kafka.RingPartitioner}; the optional setting
 * {@value #VIRTUAL_NODES_CONFIG} sets the points per partition. One ring is built per partition
 * count and shared by the producer's threads; a ring holds about ten and a half bytes per point.
 */
public final class RingPartitioner implements Partitioner {
  /**
   * Points on the ring per partition, 1 to {@value HashRing#MAX_VIRTUAL_NODES}; default {@value
   * MemberRing#DEFAULT_VIRTUAL_NODES}, the lane ring's. Fewer points build faster and take less
   * memory but spread keys less evenly. Every producer of a topic must use the same value.
   */
  public static final String VIRTUAL_NODES_CONFIG = "fenceq.ring.virtual.nodes";

  private final ConcurrentMap<Integer, PartitionRing> rings = new ConcurrentHashMap<>();
  private volatile int virtualNodes = MemberRing.DEFAULT_VIRTUAL_NODES;

  /** Kafka creates the partitioner by this constructor, then calls {@link #configure}. */
  public RingPartitioner() {}

  /**
   * Reads {@value #VIRTUAL_NODES_CONFIG} from the producer's settings, as a number or a string.
   *
   * @throws IllegalArgumentException naming the setting and the value, if it is not an integer from
   *     1 to {@value HashRing#MAX_VIRTUAL_NODES}
   */
  @Override
  public void configure(Map<String, ?> configs) {
    Object value = configs.get(VIRTUAL_NODES_CONFIG);
    virtualNodes = value == null ? MemberRing.DEFAULT_VIRTUAL_NODES : virtualNodes(value);
    rings.clear();
  }

  /**
   * The partition of the record's key among all the topic's partitions.
   *
   * @throws IllegalArgumentException if the record has no key, or the topic has no partitions in
   *     the metadata or more than the ring can hold
   */
  @Override
  public int partition(
      String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
    if (keyBytes == null) {
      throw new IllegalArgumentException(
          "a record for topic "
              + topic
              + " has no key: RingPartitioner places records by key; send keyless records with"
              + " Kafka's default partitioner");
    }
    int partitions = cluster.partitionsForTopic(topic).size();
    if (partitions < 1 || partitions > MemberRing.MAX_MEMBERS) {
      throw new IllegalArgumentException(
          "topic "
              + topic
              + " has "
              + partitions
              + " partitions in the producer's metadata; RingPartitioner needs 1 to "
              + MemberRing.MAX_MEMBERS);
    }
    return ring(partitions).partitionFor(keyBytes);
  }

  @Override
  public void close() {
    rings.clear();
  }

  private PartitionRing ring(int partitions) {
    PartitionRing ring = rings.get(partitions);
    if (ring != null) {
      return ring;
    }
    int points = virtualNodes;
    return rings.computeIfAbsent(partitions, n -> PartitionRing.of(n, points));
  }

  private static int virtualNodes(Object value) {
    long parsed;
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      parsed = ((Number) value).longValue();
    } else if (value instanceof String s && s.strip().matches("[+-]?\\d{1,10}")) {
      parsed = Long.parseLong(s.strip());
    } else {
      parsed = 0;
    }
    if (parsed < 1 || parsed > HashRing.MAX_VIRTUAL_NODES) {
      String shown = value instanceof String ? '"' + (String) value + '"' : String.valueOf(value);
      throw new IllegalArgumentException(
          VIRTUAL_NODES_CONFIG
              + " must be an integer from 1 to "
              + HashRing.MAX_VIRTUAL_NODES
              + ", got "
              + shown);
    }
    return (int) parsed;
  }
}
