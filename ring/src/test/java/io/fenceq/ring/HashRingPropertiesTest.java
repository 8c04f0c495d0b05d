package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The ring's promises checked over many seeded random keys. */
class HashRingPropertiesTest {

  private static final int MOVE_KEYS = 200_000;

  @ParameterizedTest
  @CsvSource({"1,1", "2,1", "3,2", "7,5", "16,64", "64,33"})
  void agreesWithTheLiteralPlacementRules(int lanes, int virtualNodes) {
    HashRing ring = HashRing.builder().lanes(lanes).virtualNodes(virtualNodes).build();
    ReferenceRing reference = ReferenceRing.firstLanes(lanes, virtualNodes);
    assertSameLanes(ring, reference, new Random(lanes * 31L + virtualNodes));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 100})
  void agreesWithTheLiteralPlacementRulesOnALaneSetWithGaps(int virtualNodes) {
    int[] indexes = {2, 5, 11, 4096, 9999};
    Set<Lane> lanes =
        Set.of(new Lane(2), new Lane(5), new Lane(11), new Lane(4096), new Lane(9999));
    HashRing ring = HashRing.builder().lanes(lanes).virtualNodes(virtualNodes).build();
    assertSameLanes(ring, new ReferenceRing(indexes, virtualNodes), new Random(virtualNodes));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16, 256, 1024})
  void everyKeyMapsToALaneOfTheRing(int lanes) {
    HashRing ring = HashRing.of(lanes);
    Random random = new Random(lanes);
    for (int i = 0; i < 20_000; i++) {
      Lane lane = ring.laneFor(RandomKeys.unicode(random));
      assertThat(lane.index()).isBetween(0, lanes - 1);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 256})
  void addingALaneMovesKeysOnlyOntoItAndAboutTheIdealShare(int lanes) {
    HashRing before = HashRing.of(lanes);
    HashRing after = before.withLanes(lanes + 1);
    Lane added = new Lane(lanes);

    int moved = 0;
    for (String key : RandomKeys.ids(lanes, MOVE_KEYS)) {
      Lane from = before.laneFor(key);
      Lane to = after.laneFor(key);
      if (!from.equals(to)) {
        assertThat(to).as("new lane of %s", key).isEqualTo(added);
        moved++;
      }
    }

    double ideal = 1.0 / (lanes + 1);
    assertThat((double) moved / MOVE_KEYS).isCloseTo(ideal, within(ideal * 0.10));
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 256})
  void removingALaneMovesExactlyItsKeys(int lanes) {
    Random random = new Random(lanes * 7L);
    HashRing before = HashRing.of(lanes);
    Lane removed = new Lane(random.nextInt(lanes));
    HashRing after = before.withoutLane(removed);

    int onRemoved = 0;
    for (String key : RandomKeys.ids(random.nextLong(), MOVE_KEYS)) {
      Lane from = before.laneFor(key);
      Lane to = after.laneFor(key);
      if (from.equals(removed)) {
        onRemoved++;
        assertThat(to).as("lane of %s after removing its lane", key).isNotEqualTo(removed);
      } else {
        assertThat(to).as("lane of %s, not on the removed lane", key).isEqualTo(from);
      }
    }
    assertThat(onRemoved).as("keys on %s", removed).isPositive();
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 256})
  void removingALaneFromAGappedRingMovesExactlyItsKeys(int lanes) {
    // Removal composes: take out two lanes one after the other and compare with the start.
    Random random = new Random(lanes * 13L);
    HashRing full = HashRing.of(lanes);
    Lane first = new Lane(random.nextInt(lanes));
    HashRing gapped = full.withoutLane(first);
    Lane second = gapped.lanes().get(random.nextInt(gapped.laneCount()));
    HashRing twice = gapped.withoutLane(second);

    for (String key : RandomKeys.ids(random.nextLong(), MOVE_KEYS / 4)) {
      Lane from = full.laneFor(key);
      Lane to = twice.laneFor(key);
      if (from.equals(first) || from.equals(second)) {
        assertThat(to).isNotIn(first, second);
      } else {
        assertThat(to).as("lane of %s", key).isEqualTo(from);
      }
    }
  }

  private static void assertSameLanes(HashRing ring, ReferenceRing reference, Random random) {
    for (int i = 0; i < 2_000; i++) {
      byte[] key = RandomKeys.unicode(random).getBytes(StandardCharsets.UTF_8);
      assertThat(ring.laneFor(key).index()).isEqualTo(reference.laneFor(key));
    }
  }
}
