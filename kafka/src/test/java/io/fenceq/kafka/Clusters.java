package io.fenceq.kafka;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;

/** Real Kafka cluster metadata for one topic, as a producer holds it: no broker needed. */
final class Clusters {
  static final Node BROKER = new Node(1, "broker-1", 9092);

  private Clusters() {}

  /** A cluster whose topic has {@code partitions} partitions, each led by {@link #BROKER}. */
  static Cluster withTopic(String topic, int partitions) {
    return withTopic(topic, partitions, Set.of());
  }

  /** The same, with the partitions in {@code leaderless} having no leader (unavailable). */
  static Cluster withTopic(String topic, int partitions, Set<Integer> leaderless) {
    List<PartitionInfo> infos =
        IntStream.range(0, partitions)
            .mapToObj(
                p -> {
                  Node leader = leaderless.contains(p) ? null : BROKER;
                  Node[] replicas = {BROKER};
                  return new PartitionInfo(topic, p, leader, replicas, replicas);
                })
            .toList();
    return new Cluster("cluster-1", List.of(BROKER), infos, Set.of(), Set.of());
  }
}
