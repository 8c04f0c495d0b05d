package io.fenceq.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fenceq.ring.RingChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What adding a partition to a topic moves: the ring against Kafka's default partitioner, on the
 * keys {@code key-0} to {@code key-9999}, so the figures are the same on every machine. {@link
 * #theFiguresInDocsRingMdAreMeasured} prints the line docs/ring.md quotes and fails if they differ.
 */
class PartitionGrowthTest {
  private static final String TOPIC = "orders";
  private static final List<String> KEYS = RingChange.syntheticKeys(10_000);
  private static final RingPartitioner SHARED = RingPartitionerTest.configured(Map.of());

  @ParameterizedTest
  @ValueSource(ints = {2, 12, 50})
  void growingATopicMovesAboutOneInNPlusOneKeysOnTheRingAndMostWithKafkasDefault(int n) {
    Growth growth = Growth.measure(n);

    double ideal = 1.0 / (n + 1);
    assertThat(growth.ringMoved()).isCloseTo(ideal, within(ideal * 0.25));
    assertThat(growth.ringMovedElsewhere()).as("keys moved to an old partition").isZero();
    assertThat(growth.kafkaMoved()).isCloseTo(n / (n + 1.0), within(0.03));
  }

  @Test
  void theFiguresInDocsRingMdAreMeasured() throws IOException {
    Growth growth = Growth.measure(12);
    String line =
        String.format(
            Locale.ROOT,
            "RESULT kafka partitions=12->13 keys=%d ring_moved=%.4f kafka_default_moved=%.4f"
                + " ideal_moved=%.4f",
            KEYS.size(),
            growth.ringMoved(),
            growth.kafkaMoved(),
            1.0 / 13);
    System.out.println(line);

    String doc = Files.readString(Path.of("..", "docs", "ring.md"), UTF_8);
    assertThat(doc).contains(line);
  }

  @Test
  void kafkasDefaultHereIsTheProducersOwnPlacementOfKeyedRecords() {
    for (String key : KEYS.subList(0, 1_000)) {
      byte[] bytes = key.getBytes(UTF_8);
      assertThat(kafkaDefault(bytes, 12)).isEqualTo(BuiltInPartitioner.partitionForKey(bytes, 12));
    }
  }

  @Property(tries = 300)
  void aKeyEitherStaysOrMovesToTheNewPartition(
      @ForAll byte[] keyBytes, @ForAll @IntRange(min = 1, max = 24) int n) {
    int before = SHARED.partition(TOPIC, null, keyBytes, null, null, cluster(n));
    int after = SHARED.partition(TOPIC, null, keyBytes, null, null, cluster(n + 1));

    assertThat(before).isBetween(0, n - 1);
    assertThat(after).isIn(before, n);
  }

  private static Cluster cluster(int partitions) {
    return Clusters.withTopic(TOPIC, partitions);
  }

  /** Kafka's placement of a keyed record without a partitioner class. */
  static int kafkaDefault(byte[] keyBytes, int partitions) {
    return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
  }

  /** The fractions of keys that change partition when a topic grows from n to n + 1. */
  record Growth(double ringMoved, double ringMovedElsewhere, double kafkaMoved) {
    static Growth measure(int n) {
      Cluster before = cluster(n);
      Cluster after = cluster(n + 1);
      int ringMoved = 0;
      int ringElsewhere = 0;
      int kafkaMoved = 0;
      for (String key : KEYS) {
        byte[] bytes = key.getBytes(UTF_8);
        int from = SHARED.partition(TOPIC, key, bytes, null, null, before);
        int to = SHARED.partition(TOPIC, key, bytes, null, null, after);
        ringMoved += from == to ? 0 : 1;
        ringElsewhere += from != to && to != n ? 1 : 0;
        kafkaMoved += kafkaDefault(bytes, n) == kafkaDefault(bytes, n + 1) ? 0 : 1;
      }
      double keys = KEYS.size();
      return new Growth(ringMoved / keys, ringElsewhere / keys, kafkaMoved / keys);
    }
  }
}
