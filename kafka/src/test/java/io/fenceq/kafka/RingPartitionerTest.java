package io.fenceq.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.MemberRing;
import io.fenceq.ring.RingChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.common.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RingPartitionerTest {
  private static final String TOPIC = "orders";
  private static final List<String> KEYS = RingChange.syntheticKeys(10_000);

  @Test
  void aKeysPartitionIsItsMemberOnTheRingOfThePartitions() {
    RingPartitioner partitioner = configured(Map.of());
    Cluster cluster = Clusters.withTopic(TOPIC, 12);
    MemberRing ring = ringOfPartitions(12, MemberRing.DEFAULT_VIRTUAL_NODES);

    for (String key : KEYS.subList(0, 2_000)) {
      assertThat("partition-" + partition(partitioner, key, cluster))
          .as(key)
          .isEqualTo(ring.memberFor(key));
    }
  }

  @Test
  void theSameKeyGetsTheSamePartitionFromEveryPartitionerInstance() {
    Cluster cluster = Clusters.withTopic(TOPIC, 12);
    RingPartitioner first = configured(Map.of());
    RingPartitioner second = new RingPartitioner(); // never configured: the same defaults
    RingPartitioner third = configured(Map.of(RingPartitioner.VIRTUAL_NODES_CONFIG, "2048"));

    for (String key : KEYS) {
      int p = partition(first, key, cluster);
      assertThat(partition(first, key, cluster)).as(key).isEqualTo(p);
      assertThat(partition(second, key, cluster)).as(key).isEqualTo(p);
      assertThat(partition(third, key, cluster)).as(key).isEqualTo(p);
    }
  }

  @Test
  void keysSpreadOverEveryPartitionEvenly() {
    RingPartitioner partitioner = configured(Map.of());
    Cluster cluster = Clusters.withTopic(TOPIC, 12);
    int[] counts = new int[12];

    KEYS.forEach(key -> counts[partition(partitioner, key, cluster)]++);

    double mean = KEYS.size() / 12.0;
    assertThat(IntStream.of(counts).min().orElseThrow()).isGreaterThan((int) (0.85 * mean));
    assertThat(IntStream.of(counts).max().orElseThrow()).isLessThan((int) (1.15 * mean));
  }

  @Test
  void aKeyKeepsItsPartitionWhileThatPartitionHasNoLeader() {
    RingPartitioner partitioner = configured(Map.of());
    Cluster healthy = Clusters.withTopic(TOPIC, 12);
    Cluster degraded = Clusters.withTopic(TOPIC, 12, Set.of(3, 7));

    for (String key : KEYS.subList(0, 2_000)) {
      assertThat(partition(partitioner, key, degraded))
          .as(key)
          .isEqualTo(partition(partitioner, key, healthy));
    }
  }

  @Test
  void theVirtualNodesSettingIsReadAsANumberOrAString() {
    Cluster cluster = Clusters.withTopic(TOPIC, 12);
    RingPartitioner fromNumber = configured(Map.of(RingPartitioner.VIRTUAL_NODES_CONFIG, 64));
    RingPartitioner fromString = configured(Map.of(RingPartitioner.VIRTUAL_NODES_CONFIG, " 64 "));
    RingPartitioner byDefault = configured(Map.of());
    MemberRing ring64 = ringOfPartitions(12, 64);

    int differ = 0;
    for (String key : KEYS) {
      int p = partition(fromNumber, key, cluster);
      assertThat(partition(fromString, key, cluster)).as(key).isEqualTo(p);
      assertThat("partition-" + p).as(key).isEqualTo(ring64.memberFor(key));
      differ += p == partition(byDefault, key, cluster) ? 0 : 1;
    }
    assertThat(differ).as("keys placed otherwise than at the default").isPositive();
  }

  static List<Object> badVirtualNodes() {
    return List.of(0, -1, 8193, 3_000_000_000L, 2.5, "0", "many", "", "99999999999", true);
  }

  @ParameterizedTest
  @MethodSource("badVirtualNodes")
  void aBadVirtualNodesSettingIsRefusedInOneLineNamingItAndTheValue(Object value) {
    String shown = value instanceof String s ? '"' + s + '"' : String.valueOf(value);

    assertThatThrownBy(() -> configured(Map.of(RingPartitioner.VIRTUAL_NODES_CONFIG, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fenceq.ring.virtual.nodes must be an integer from 1 to 8192, got " + shown)
        .message()
        .doesNotContain("\n");
  }

  @Test
  void aRecordWithoutAKeyIsRefused() {
    RingPartitioner partitioner = configured(Map.of());

    assertThatThrownBy(
            () ->
                partitioner.partition(
                    TOPIC, null, null, "v", "v".getBytes(UTF_8), Clusters.withTopic(TOPIC, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "a record for topic orders has no key: RingPartitioner places records by key;"
                + " send keyless records with Kafka's default partitioner");
  }

  @Test
  void aTopicMissingFromTheMetadataIsRefused() {
    RingPartitioner partitioner = configured(Map.of());

    assertThatThrownBy(
            () -> partitioner.partition("other", "k", bytes("k"), null, null, Cluster.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "topic other has 0 partitions in the producer's metadata; RingPartitioner needs 1"
                + " to 10000");
  }

  @Test
  void producerThreadsSharingOnePartitionerGetTheSingleThreadedAnswers() throws Exception {
    RingPartitioner shared = configured(Map.of());
    RingPartitioner reference = configured(Map.of());
    List<Cluster> clusters =
        IntStream.rangeClosed(1, 8).mapToObj(n -> Clusters.withTopic(TOPIC, n)).toList();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<int[]>> results = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        Cluster cluster = clusters.get(t % clusters.size());
        results.add(
            threads.submit(
                () ->
                    KEYS.subList(0, 2_000).stream()
                        .mapToInt(key -> partition(shared, key, cluster))
                        .toArray()));
      }
      for (int t = 0; t < 16; t++) {
        Cluster cluster = clusters.get(t % clusters.size());
        int[] expected =
            KEYS.subList(0, 2_000).stream()
                .mapToInt(key -> partition(reference, key, cluster))
                .toArray();
        assertThat(results.get(t).get()).isEqualTo(expected);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** The ring docs/ring.md specifies for a topic: members partition-0 to partition-(n-1). */
  static MemberRing ringOfPartitions(int partitions, int virtualNodes) {
    MemberRing.Builder builder = MemberRing.builder().virtualNodes(virtualNodes);
    IntStream.range(0, partitions).forEach(p -> builder.member("partition-" + p));
    return builder.build();
  }

  static RingPartitioner configured(Map<String, ?> settings) {
    RingPartitioner partitioner = new RingPartitioner();
    partitioner.configure(settings);
    return partitioner;
  }

  static int partition(RingPartitioner partitioner, String key, Cluster cluster) {
    return partitioner.partition(TOPIC, key, bytes(key), "value", bytes("value"), cluster);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }
}
