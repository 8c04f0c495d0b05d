package io.fenceq.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.lease.ElectionSimulation.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Leader election driven round by round in manual time; one test runs the real renewal thread to
 * check its lifecycle.
 */
class LeaderElectorTest {
  private final LeaseWorld world = new LeaseWorld();
  private final ElectionSimulation sim = new ElectionSimulation(world);

  private LeaderElector elector(String owner, LeaseConfig config, Duration skew) {
    return LeaderElector.builder()
        .store(world.contender(config, skew))
        .name("nightly")
        .owner(owner)
        .listener(sim.listener(owner))
        .build();
  }

  private LeaderElector elector(String owner) {
    return elector(owner, LeaseWorld.wall(), Duration.ZERO);
  }

  private Map<String, AttributeValue> item() {
    return world.dynamoDb.item(
        LeaseWorld.TABLE, Map.of("id", AttributeValue.fromS("leader#nightly")));
  }

  private List<String> eventsOf(String owner) {
    return sim.events().stream()
        .filter(e -> e.owner().equals(owner))
        .map(e -> e.fence() > 0 ? e.what() + " " + e.fence() : e.what())
        .toList();
  }

  @Test
  void theFirstElectorToRunARoundLeadsAndTheOthersWaitForItsExpiry() {
    LeaderElector a = elector("a");
    LeaderElector b = elector("b");
    assertThat(a.leaseId()).isEqualTo("leader#nightly");

    assertThat(a.runRound()).isEqualTo(Duration.ofSeconds(10));
    assertThat(a.isLeader()).isTrue();
    assertThat(a.fence()).hasValue(1);
    assertThat(b.runRound()).isEqualTo(Duration.ofMillis(30_001));
    assertThat(b.isLeader()).isFalse();
    assertThat(b.fence()).isEmpty();
    assertThat(eventsOf("a")).containsExactly("gained 1");
    assertThat(eventsOf("b")).isEmpty();
  }

  @Test
  void killingTheLeaderHandsLeadershipToAnotherWithALargerFenceWithinLeasePlusRenewInterval() {
    List<LeaderElector> electors = List.of(elector("a"), elector("b"), elector("c"));
    electors.forEach(sim::add);
    sim.runUntil(Duration.ofSeconds(95), () -> {});
    LeaderElector leader =
        electors.stream().filter(LeaderElector::isLeader).findFirst().orElseThrow();
    assertThat(electors.stream().filter(LeaderElector::isLeader)).hasSize(1);
    long oldFence = leader.fence().getAsLong();

    Duration killedAt = sim.now();
    sim.kill(leader);
    sim.runUntil(killedAt.plus(Duration.ofSeconds(120)), () -> {});

    Event next =
        sim.events().stream()
            .filter(e -> e.what().equals("gained") && e.at().compareTo(killedAt) > 0)
            .findFirst()
            .orElseThrow();
    assertThat(next.owner()).isNotEqualTo(leader.owner());
    assertThat(next.fence()).isGreaterThan(oldFence);
    LeaseConfig config = LeaseWorld.wall();
    assertThat(next.at().minus(killedAt))
        .isLessThanOrEqualTo(config.leaseDuration().plus(config.renewInterval()));
    assertThat(sim.events().stream().filter(e -> e.what().equals("gained"))).hasSize(2);
  }

  @Test
  void inObservedModeFailoverTakesAtMostTwoLeasesWhateverTheClocks() {
    LeaseConfig observed = LeaseWorld.observed();
    List<LeaderElector> electors =
        List.of(
            elector("a", observed, Duration.ZERO),
            elector("b", observed, Duration.ofSeconds(30)),
            elector("c", observed, Duration.ofSeconds(-30)));
    electors.forEach(sim::add);
    sim.runUntil(Duration.ofSeconds(95), () -> {});
    LeaderElector leader =
        electors.stream().filter(LeaderElector::isLeader).findFirst().orElseThrow();
    Duration killedAt = sim.now();
    sim.kill(leader);
    List<Duration> overlaps = new ArrayList<>();
    sim.runUntil(
        killedAt.plus(Duration.ofSeconds(120)),
        () -> {
          if (leader.isLeader() && electors.stream().filter(LeaderElector::isLeader).count() > 1) {
            overlaps.add(sim.now());
          }
        });

    Event next =
        sim.events().stream()
            .filter(e -> e.what().equals("gained") && e.at().compareTo(killedAt) > 0)
            .findFirst()
            .orElseThrow();
    assertThat(next.at().minus(killedAt))
        .isLessThanOrEqualTo(observed.leaseDuration().multipliedBy(2));
    assertThat(overlaps)
        .as("the killed leader's own deadline passed before the takeover")
        .isEmpty();
  }

  @Test
  void aRefusedRenewalEndsLeadershipAtOnce() {
    LeaderElector a = elector("a");
    LeaderElector b = elector("b", LeaseWorld.wall(), Duration.ofSeconds(30));
    a.runRound();
    world.advance(Duration.ofMillis(1));
    b.runRound(); // b's clock is 30 s fast: it takes over early
    assertThat(b.fence()).hasValue(2);
    assertThat(a.isLeader()).as("a cannot know before its next renewal").isTrue();

    assertThat(a.runRound()).isEqualTo(Duration.ZERO);
    assertThat(a.isLeader()).isFalse();
    assertThat(a.fence()).isEmpty();
    assertThat(eventsOf("a")).hasSize(2);
    assertThat(eventsOf("a").get(1))
        .startsWith("lost: renew of lease leader#nightly in table test-leases by a at fence 1")
        .contains("it is now held by b at fence 2");
  }

  @Test
  void leadershipLapsesAtTheLocalDeadlineEvenWithoutARound() {
    LeaderElector a = elector("a");
    a.runRound();
    world.advance(Duration.ofSeconds(30).minusNanos(1));
    assertThat(a.isLeader()).isTrue();
    world.advance(Duration.ofNanos(1));
    assertThat(a.isLeader()).isFalse();

    a.runRound(); // the process wakes from its pause
    assertThat(eventsOf("a")).hasSize(3);
    assertThat(eventsOf("a").get(1)).contains("ran out locally before it could be renewed");
    assertThat(eventsOf("a").get(2)).as("a new leadership, with a new fence").isEqualTo("gained 2");
  }

  @Test
  void renewalErrorsKeepLeadershipUntilTheLocalDeadlineThenEndIt() {
    LeaderElector a = elector("a");
    a.runRound();
    world.dynamoDb.failNextUpdates(1_000);
    Duration elapsed = Duration.ZERO;
    Duration wait = a.runRound();
    while (a.isLeader()) {
      assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(5));
      world.advance(wait);
      elapsed = elapsed.plus(wait);
      wait = a.runRound();
    }
    assertThat(elapsed).isEqualTo(Duration.ofSeconds(30));
    assertThat(eventsOf("a").get(1)).contains("ran out locally");
    world.dynamoDb.failNextUpdates(0);
    a.runRound();
    assertThat(a.fence()).hasValue(2);
  }

  @Test
  void runIfLeaderWithoutStartingAcquiresRunsWithTheFenceAndReleases() {
    LeaderElector a = elector("a");
    LeaderElector b = elector("b");
    List<Long> ran = new ArrayList<>();

    assertThat(a.runIfLeader(ran::add)).isTrue();
    assertThat(item()).doesNotContainKey("owner");
    assertThat(b.runIfLeader(ran::add)).isTrue();
    assertThat(ran).containsExactly(1L, 2L);

    LeaderElector c = elector("c");
    c.runRound();
    assertThat(a.runIfLeader(ran::add)).isFalse();
    assertThat(ran).containsExactly(1L, 2L);
    assertThat(eventsOf("a")).containsExactly("gained 1", "lost: released after running as leader");
  }

  @Test
  void startRunsANamedDaemonThreadAndCloseStopsItReleasesAndIsIdempotent() throws Exception {
    CountDownLatch gained = new CountDownLatch(1);
    List<String> lost = new ArrayList<>();
    LeaderElector a =
        LeaderElector.builder()
            .store(world.contender(LeaseWorld.wall()))
            .name("nightly")
            .owner("a")
            .listener(
                new LeadershipListener() {
                  @Override
                  public void gained(long fence) {
                    gained.countDown();
                  }

                  @Override
                  public synchronized void lost(String reason) {
                    lost.add(reason);
                  }
                })
            .build();
    a.start();
    assertThat(gained.await(30, TimeUnit.SECONDS)).isTrue();
    Thread thread = threadNamed("fenceq-leader-nightly");
    assertThat(thread.isDaemon()).isTrue();
    assertThatThrownBy(a::start).hasMessageContaining("already started");
    List<Long> ran = new ArrayList<>();
    assertThat(a.runIfLeader(ran::add)).isTrue();
    assertThat(ran).containsExactly(1L);

    a.close();
    assertThat(thread.isAlive()).isFalse();
    assertThat(item()).doesNotContainKey("owner");
    assertThat(lost).containsExactly("leader elector leader#nightly was closed");
    a.close();
    assertThat(lost).hasSize(1);
    assertThat(a.isLeader()).isFalse();
    assertThatThrownBy(a::start).hasMessageContaining("is closed");
  }

  @Test
  void closeReleasesAndKeepsTheCallersInterruptStatus() throws Exception {
    LeaderElector a = elector("a");
    a.start();
    Thread thread = threadNamed("fenceq-leader-nightly");
    Thread.currentThread().interrupt();
    try {
      a.close();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(item()).as("released all the same").doesNotContainKey("owner");
    thread.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(thread.isAlive()).isFalse();
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheElector() {
    LeaderElector a =
        LeaderElector.builder()
            .store(world.contender(LeaseWorld.wall()))
            .name("nightly")
            .owner("a")
            .listener(
                new LeadershipListener() {
                  @Override
                  public void gained(long fence) {
                    throw new IllegalStateException("listener bug");
                  }

                  @Override
                  public void lost(String reason) {}
                })
            .build();
    a.runRound();
    assertThat(a.isLeader()).isTrue();
    world.advance(Duration.ofSeconds(10));
    assertThat(a.runRound()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void builderNamesTheBadSetting() {
    assertThatThrownBy(() -> LeaderElector.builder().name("nightly").build())
        .hasMessage("invalid LeaderElector setting store: null");
    assertThatThrownBy(
            () ->
                LeaderElector.builder()
                    .store(world.contender(LeaseWorld.wall()))
                    .name("night ly")
                    .build())
        .hasMessageContaining("invalid LeaderElector setting name: night ly");
  }

  private static Thread threadNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no thread named " + name));
  }
}
