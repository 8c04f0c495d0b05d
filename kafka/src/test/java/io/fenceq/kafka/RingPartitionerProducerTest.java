package io.fenceq.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.RingChange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The partitioner inside Kafka's own producer code, with no broker. */
class RingPartitionerProducerTest {
  private static final String TOPIC = "orders";

  @Test
  void aProducerSendsEveryRecordOfAKeyToTheKeysPartition() throws Exception {
    RingPartitioner partitioner = RingPartitionerTest.configured(Map.of());
    MockProducer<String, String> producer = producer(12, partitioner);
    List<String> keys = RingChange.syntheticKeys(500);
    Map<String, Integer> partitionOf = new HashMap<>();

    for (int round = 0; round < 3; round++) {
      for (String key : keys) {
        RecordMetadata sent =
            producer.send(new ProducerRecord<>(TOPIC, key, "event-" + round)).get();
        assertThat(partitionOf.computeIfAbsent(key, k -> sent.partition()))
            .as(key)
            .isEqualTo(sent.partition());
      }
    }

    RingPartitioner fresh = RingPartitionerTest.configured(Map.of());
    partitionOf.forEach(
        (key, partition) ->
            assertThat(RingPartitionerTest.partition(fresh, key, Clusters.withTopic(TOPIC, 12)))
                .as(key)
                .isEqualTo(partition));
    assertThat(partitionOf.values()).containsAll(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
    assertThat(producer.history()).hasSize(1_500);
  }

  @Test
  void aRecordWithAPartitionSetKeepsIt() throws Exception {
    MockProducer<String, String> producer = producer(12, RingPartitionerTest.configured(Map.of()));

    RecordMetadata sent = producer.send(new ProducerRecord<>(TOPIC, 5, "key-1", "v")).get();

    assertThat(sent.partition()).isEqualTo(5);
  }

  @Test
  void sendingARecordWithoutAKeyThrowsAtTheCall() {
    MockProducer<String, String> producer = producer(12, RingPartitionerTest.configured(Map.of()));

    assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "no key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("a record for topic orders has no key");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void kafkaProducerConfigurationReachesThePartitionerAndABadValueStopsTheProducer() {
    Properties settings = new Properties();
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    settings.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, RingPartitioner.class.getName());
    settings.put(RingPartitioner.VIRTUAL_NODES_CONFIG, "0");

    assertThatThrownBy(() -> new KafkaProducer<String, String>(settings).close())
        .isInstanceOf(KafkaException.class)
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fenceq.ring.virtual.nodes must be an integer from 1 to 8192, got \"0\"");
  }

  private static MockProducer<String, String> producer(
      int partitions, RingPartitioner partitioner) {
    return new MockProducer<>(
        Clusters.withTopic(TOPIC, partitions),
        true,
        partitioner,
        new StringSerializer(),
        new StringSerializer());
  }
}
