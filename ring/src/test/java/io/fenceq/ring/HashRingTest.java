package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashRingTest {

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 10_001, Integer.MAX_VALUE})
  void rejectsLaneCountsOutOfRange(int lanes) {
    assertThatThrownBy(() -> HashRing.builder().lanes(lanes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lanes must be between 1 and 10000, got " + lanes);
    assertThatThrownBy(() -> HashRing.of(lanes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lanes must be between 1 and 10000, got " + lanes);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 8193})
  void rejectsVirtualNodesOutOfRange(int virtualNodes) {
    assertThatThrownBy(() -> HashRing.builder().virtualNodes(virtualNodes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("virtualNodes must be between 1 and 8192, got " + virtualNodes);
  }

  @Test
  void rejectsAnEmptyLaneSet() {
    assertThatThrownBy(() -> HashRing.builder().lanes(Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lanes must be between 1 and 10000, got 0");
  }

  @Test
  void requiresLanesBeforeBuilding() {
    assertThatThrownBy(() -> HashRing.builder().virtualNodes(16).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("lanes must be set before build()");
  }

  @Test
  void acceptsTheLimits() {
    assertThat(HashRing.builder().lanes(1).virtualNodes(1).build().laneCount()).isEqualTo(1);
    HashRing widest = HashRing.builder().lanes(10_000).virtualNodes(1).build();
    assertThat(widest.lanes()).last().isEqualTo(new Lane(9999));
    assertThat(HashRing.builder().lanes(1).virtualNodes(8192).build().virtualNodes())
        .isEqualTo(8192);
  }

  @Test
  void ofUsesTheDefaultVirtualNodesAndTheFirstLanes() {
    HashRing ring = HashRing.of(3);

    assertThat(ring.virtualNodes()).isEqualTo(HashRing.DEFAULT_VIRTUAL_NODES).isEqualTo(2048);
    assertThat(ring.laneCount()).isEqualTo(3);
    assertThat(ring.lanes()).containsExactly(new Lane(0), new Lane(1), new Lane(2));
    assertThat(ring).isEqualTo(HashRing.builder().lanes(3).build()).hasToString("m3-3x2048");
    assertThatThrownBy(() -> ring.lanes().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aLaneSetListsLanesInIndexOrder() {
    HashRing ring =
        HashRing.builder().lanes(Set.of(new Lane(7), new Lane(2), new Lane(40))).build();

    assertThat(ring.lanes()).containsExactly(new Lane(2), new Lane(7), new Lane(40));
    assertThat(ring.laneCount()).isEqualTo(3);
  }

  @Test
  void descriptorNamesHashLanesAndVirtualNodes() {
    assertThat(HashRing.of(256).descriptor()).isEqualTo("m3-256x2048");
    assertThat(HashRing.builder().lanes(16).virtualNodes(100).build().descriptor())
        .isEqualTo("m3-16x100");
    // Lanes 0..L-1 given as a set are the same ring as a count.
    HashRing asSet =
        HashRing.builder().lanes(Set.of(new Lane(0), new Lane(1), new Lane(2))).build();
    assertThat(asSet.descriptor()).isEqualTo("m3-3x2048");
    assertThat(asSet).isEqualTo(HashRing.of(3)).hasSameHashCodeAs(HashRing.of(3));
  }

  @Test
  void descriptorOfAnyOtherLaneSetCarriesItsDigest() {
    HashRing without42 = HashRing.of(256).withoutLane(new Lane(42));
    HashRing without43 = HashRing.of(256).withoutLane(new Lane(43));

    // Stamped on messages, so the digest is as fixed as the mapping.
    assertThat(without42.descriptor())
        .isEqualTo("m3-255x2048-8a24a7324643ec9a")
        .isEqualTo("m3-255x2048-" + digestOfLanesWithout(256, 42));
    assertThat(without42.descriptor()).matches("m3-255x2048-[0-9a-f]{16}");
    assertThat(without43.descriptor()).isNotEqualTo(without42.descriptor());
    assertThat(HashRing.builder().lanes(Set.of(new Lane(1))).build().descriptor())
        .startsWith("m3-1x2048-");
  }

  @Test
  void withLanesKeepsTheVirtualNodes() {
    HashRing ring = HashRing.builder().lanes(8).virtualNodes(64).build();

    assertThat(ring.withLanes(9)).isEqualTo(HashRing.builder().lanes(9).virtualNodes(64).build());
    assertThat(ring.withLanes(9).descriptor()).isEqualTo("m3-9x64");
  }

  @Test
  void withoutLaneRefusesLanesItCannotRemove() {
    assertThatThrownBy(() -> HashRing.of(4).withoutLane(new Lane(4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lane-0004 is not in the ring m3-4x2048");
    assertThatThrownBy(() -> HashRing.of(1).withoutLane(new Lane(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot remove lane-0000, the only lane of the ring");
  }

  @Test
  void ringsDifferByLanesAndVirtualNodes() {
    assertThat(HashRing.of(4)).isNotEqualTo(HashRing.of(5));
    assertThat(HashRing.of(4)).isNotEqualTo(HashRing.builder().lanes(4).virtualNodes(8).build());
    assertThat(HashRing.of(5).withoutLane(new Lane(4))).isEqualTo(HashRing.of(4));
  }

  @Test
  void rejectsNullKeys() {
    HashRing ring = HashRing.of(4);
    assertThatThrownBy(() -> ring.laneFor((String) null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ring.laneFor((byte[]) null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aKeyOnAVirtualNodeBelongsToThatNodesLane() {
    // The key hashes to exactly the node's point, and "at or after" includes the point itself.
    HashRing ring = HashRing.of(256);
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      Lane lane = new Lane(random.nextInt(256));
      int node = random.nextInt(ring.virtualNodes());
      assertThat(ring.laneFor(lane.id() + "#" + node)).isEqualTo(lane);
    }
  }

  @Test
  void unpairedSurrogatesAreHashedAsUtf8EncodesThem() {
    HashRing ring = HashRing.of(1024);
    assertThat(ring.laneFor("a\ud800b")).isEqualTo(ring.laneFor("a?b"));
  }

  @Test
  void stringAndUtf8BytesGiveTheSameLane() {
    HashRing ring = HashRing.of(256);
    Random random = new Random(11);
    for (int i = 0; i < 10_000; i++) {
      String key = RandomKeys.unicode(random);
      assertThat(ring.laneFor(key.getBytes(StandardCharsets.UTF_8)))
          .as("key %s", key)
          .isEqualTo(ring.laneFor(key));
    }
  }

  private static String digestOfLanesWithout(int lanes, int missing) {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < lanes; i++) {
      if (i != missing) {
        ids.append(ids.isEmpty() ? "" : ",").append(new Lane(i).id());
      }
    }
    long digest = ReferenceRing.hash(ids.toString().getBytes(StandardCharsets.UTF_8));
    return String.format("%016x", digest);
  }
}
