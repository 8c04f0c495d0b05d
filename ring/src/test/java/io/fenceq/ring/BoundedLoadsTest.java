package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class BoundedLoadsTest {

  @Property(tries = 60)
  void noMemberIsLoadedAboveItsCapacityAndEveryKeyIsPlaced(
      @ForAll @IntRange(min = 1, max = 12) int members,
      @ForAll @IntRange(min = 1, max = 3000) int keys,
      @ForAll @IntRange(min = 1, max = 100) int epsilonPercent,
      @ForAll @StringLength(min = 1, max = 8) String prefix) {
    MemberRing ring = MemberRing.builder().virtualNodes(64).member(prefix + "-0").build();
    for (int m = 1; m < members; m++) {
      ring = ring.with(prefix + "-" + m);
    }
    BoundedLoads bounded = BoundedLoads.of(ring, epsilonPercent / 100.0);
    List<String> used = IntStream.range(0, keys).mapToObj(i -> "k" + i).toList();

    Map<String, String> assigned = bounded.assign(used);

    assertThat(assigned).hasSize(keys);
    bounded
        .loads(assigned)
        .forEach(
            (member, load) ->
                assertThat(load).as(member).isLessThanOrEqualTo(bounded.capacity(member, keys)));
  }

  @Test
  void withRoomToSpareTheAssignmentIsTheRings() {
    MemberRing ring = MemberRing.of("a", "b", "c", "d");
    List<String> keys = RingChange.syntheticKeys(1000);

    Map<String, String> assigned = BoundedLoads.of(ring, 100).assign(keys);

    keys.forEach(k -> assertThat(assigned.get(k)).isEqualTo(ring.memberFor(k)));
  }

  @Test
  void aTightBoundEvensOutTheBusiestMember() {
    MemberRing ring =
        MemberRing.builder().virtualNodes(8).member("a").member("b").member("c").build();
    List<String> keys = RingChange.syntheticKeys(3000);
    BoundedLoads bounded = BoundedLoads.of(ring, 0.05);

    int plainMax =
        keys.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    ring::memberFor, java.util.stream.Collectors.counting()))
            .values()
            .stream()
            .mapToInt(Long::intValue)
            .max()
            .orElseThrow();
    int boundedMax =
        bounded.loads(bounded.assign(keys)).values().stream().mapToInt(i -> i).max().orElseThrow();

    assertThat(boundedMax).isLessThanOrEqualTo(1050).isLessThan(plainMax);
  }

  @Test
  void epsilonMustBePositive() {
    MemberRing ring = MemberRing.of("a");
    assertThatThrownBy(() -> BoundedLoads.of(ring, 0))
        .hasMessage("epsilon must be positive and finite, got 0.0");
    assertThatThrownBy(() -> BoundedLoads.of(ring, Double.NaN))
        .hasMessage("epsilon must be positive and finite, got NaN");
  }
}
