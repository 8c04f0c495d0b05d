package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemberRingTest {
  private static final List<String> KEYS = RingChange.syntheticKeys(50_000);

  @ParameterizedTest
  @ValueSource(ints = {1, 16, 256})
  void membersNamedLikeLanesMapEveryKeyAsTheLaneRingDoes(int lanes) {
    HashRing lanesRing = HashRing.of(lanes);
    MemberRing members =
        MemberRing.of(IntStream.range(0, lanes).mapToObj(i -> new Lane(i).id()).toList());

    for (String key : KEYS) {
      assertThat(members.memberFor(key)).as(key).isEqualTo(lanesRing.laneFor(key).id());
    }
  }

  @Test
  void aMemberAddedTakesKeysFromOthersAndGivesNone() {
    MemberRing three = MemberRing.of("worker-a", "worker-b", "worker-c");
    MemberRing four = three.with("worker-d");

    RingChange change = RingChange.between(three, four, KEYS.size());

    assertThat(change.moves().values())
        .allSatisfy(targets -> assertThat(targets.keySet()).containsExactly("worker-d"));
    assertThat(change.moves()).doesNotContainKey("worker-d");
    assertThat(change.movedFraction()).isCloseTo(0.25, within(0.03));
    assertThat(RingChange.idealFraction(three.members().keySet(), four.members().keySet()))
        .isEqualTo(0.25);
  }

  @Test
  void aMemberRemovedGivesAwayOnlyItsOwnKeys() {
    MemberRing four = MemberRing.of("worker-a", "worker-b", "worker-c", "worker-d");
    MemberRing three = four.without("worker-b");

    RingChange change = RingChange.between(four, three, KEYS.size());

    assertThat(change.moves()).containsOnlyKeys("worker-b");
    long owned = KEYS.stream().filter(k -> four.memberFor(k).equals("worker-b")).count();
    assertThat(change.movedKeys()).isEqualTo((int) owned);
  }

  @Test
  void weightsSetEachMembersShare() {
    MemberRing ring =
        MemberRing.builder().member("big", 3).member("small-1").member("small-2").build();

    Map<String, Integer> counts = new TreeMap<>();
    KEYS.forEach(k -> counts.merge(ring.memberFor(k), 1, Integer::sum));

    assertThat(counts.get("big") / (double) KEYS.size()).isCloseTo(0.6, within(0.03));
    assertThat(ring.with("big", 1).members()).containsEntry("big", 1);
  }

  @Test
  void badMembersAreRefusedNamingThem() {
    assertThatThrownBy(() -> MemberRing.of("a", " "))
        .hasMessage("a member name must be 1 to 256 characters and not blank, got \" \"");
    assertThatThrownBy(() -> MemberRing.of("a", "a")).hasMessage("member \"a\" is given twice");
    assertThatThrownBy(() -> MemberRing.builder().member("a", 0))
        .hasMessage("the weight of member \"a\" must be between 1 and 100, got 0");
    assertThatThrownBy(() -> MemberRing.of("a").without("b"))
        .hasMessage("member \"b\" is not in the ring");
    assertThatThrownBy(() -> MemberRing.of("a").without("a"))
        .hasMessage("cannot remove \"a\", the only member of the ring");
    assertThatThrownBy(() -> MemberRing.builder().build())
        .hasMessage("a ring needs at least one member");
  }

  @Test
  void changesBetweenAssignmentsCountEachMove() {
    RingChange change =
        RingChange.between(
            Map.of("k1", "a", "k2", "a", "k3", "b"), Map.of("k1", "b", "k2", "c", "k3", "b"));

    assertThat(change.keys()).isEqualTo(3);
    assertThat(change.movedKeys()).isEqualTo(2);
    assertThat(change.moved("a", "b")).isEqualTo(1);
    assertThat(change.moved("a", "c")).isEqualTo(1);
    assertThat(change.moved("b", "a")).isZero();
    assertThatThrownBy(() -> RingChange.between(Map.of("k1", "a"), Map.of("k2", "a")))
        .hasMessage("the two assignments must place the same keys");
  }
}
