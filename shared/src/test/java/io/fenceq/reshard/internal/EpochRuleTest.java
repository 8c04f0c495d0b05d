package io.fenceq.reshard.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.reshard.RingEpoch;
import io.fenceq.reshard.internal.EpochRule.Decision;
import io.fenceq.reshard.internal.EpochRule.Hold;
import io.fenceq.reshard.internal.EpochRule.Newer;
import io.fenceq.reshard.internal.EpochRule.Refuse;
import io.fenceq.reshard.internal.EpochRule.Run;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The hold decision: which jobs run, wait for a barrier, or go to the dead-letter queue. */
class EpochRuleTest {
  private static final HashRing OLD = HashRing.of(8);
  private static final HashRing NEW = HashRing.of(12);
  private final RingEpoch resharding = RingEpoch.initial(8).next(12);

  private Decision decide(RingEpoch now, long epoch, Lane group, String key) {
    return EpochRule.decide(now, epoch, group, key, n -> n == 8 ? OLD : NEW);
  }

  /** A key that moved from an old lane to a new one. */
  private static String movedKey() {
    return IntStream.range(0, 1000)
        .mapToObj(i -> "k" + i)
        .filter(k -> !OLD.laneFor(k).equals(NEW.laneFor(k)))
        .findFirst()
        .orElseThrow();
  }

  private static String stayingKey() {
    return IntStream.range(0, 1000)
        .mapToObj(i -> "k" + i)
        .filter(k -> OLD.laneFor(k).equals(NEW.laneFor(k)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aMovedKeysNewEpochJobWaitsForItsOldLanesBarrierThenRuns() {
    String key = movedKey();
    Lane old = OLD.laneFor(key);

    assertThat(decide(resharding, 1, NEW.laneFor(key), key)).isEqualTo(new Hold(old));
    assertThat(decide(resharding.cleared(old), 1, NEW.laneFor(key), key)).isEqualTo(new Run());
  }

  @Test
  void aKeyThatStaysRunsAtOnceInEitherEpochWhileItsBarrierIsPending() {
    String key = stayingKey();
    Lane lane = OLD.laneFor(key);

    assertThat(decide(resharding, 1, lane, key)).isEqualTo(new Run());
    assertThat(decide(resharding, 0, lane, key)).isEqualTo(new Run());
  }

  @Test
  void anOldEpochJobAfterItsLanesBarrierIsRefusedNamingKeyLaneAndEpochs() {
    String key = movedKey();
    Lane old = OLD.laneFor(key);

    assertThat(decide(resharding, 0, old, key)).isEqualTo(new Run());
    Decision late = decide(resharding.cleared(old), 0, old, key);
    assertThat(late).isInstanceOf(Refuse.class);
    assertThat(((Refuse) late).reason())
        .contains("key \"" + key + "\"", old.id(), "of epoch 0", "into epoch 1 has passed");
  }

  @Test
  void unknownEpochsAreRefusedAndANewerOneAsksForARead() {
    String key = stayingKey();
    Lane lane = NEW.laneFor(key);
    RingEpoch settled = new RingEpoch(2, 12, 8, new java.util.TreeSet<>());

    assertThat(decide(resharding, 2, lane, key)).isEqualTo(new Newer());
    Decision old = decide(settled, 0, lane, key);
    assertThat(((Refuse) old).reason())
        .isEqualTo(
            "job of key \""
                + key
                + "\" in "
                + lane
                + " is of unknown epoch 0: the ring is at epoch 2 with 12 lanes; only epoch 2"
                + " may run");
    assertThat(decide(settled, 1, lane, key)).isInstanceOf(Refuse.class);
  }

  @Test
  void aJobInALaneThatIsNotItsKeysUnderItsEpochIsRefused() {
    String key = movedKey();

    Decision d = decide(resharding, 1, OLD.laneFor(key), key);
    assertThat(((Refuse) d).reason())
        .contains("of epoch 1 arrived in " + OLD.laneFor(key), "places it in " + NEW.laneFor(key));
  }

  private long fenceEpoch(RingEpoch now, long epoch, String key) {
    return EpochRule.fenceEpoch(now, epoch, key, n -> n == 8 ? OLD : NEW);
  }

  @Test
  void aJobsFenceEpochIsItsOwnUnlessItsKeyKeepsItsLaneAcrossTheReshard() {
    String moved = movedKey();
    String staying = stayingKey();

    // A moved key's old-epoch jobs (old lane, before the barrier) rank below its new-epoch jobs.
    assertThat(fenceEpoch(resharding, 0, moved)).isZero();
    assertThat(fenceEpoch(resharding, 1, moved)).isEqualTo(1);
    // A key that stays may have a new-epoch job ahead of an old-epoch one in its one lane (two
    // producers switching at different times): both carry the current epoch.
    assertThat(fenceEpoch(resharding, 0, staying)).isEqualTo(1);
    assertThat(fenceEpoch(resharding, 1, staying)).isEqualTo(1);
    // Without a reshard, epoch 0 stays 0.
    assertThat(fenceEpoch(RingEpoch.initial(8), 0, staying)).isZero();
  }
}
