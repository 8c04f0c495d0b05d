package io.fenceq.tests.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.lease.LeaseTableReader;
import io.fenceq.pool.PoolView;
import io.fenceq.pool.WorkerPool;
import io.fenceq.ring.RingChange;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.time.ManualClock;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workers of one pool on the lease table in DynamoDB: they join, see each other, hand keys over as
 * the ring says, and a crashed worker drops out once its lease lapses. Time is a manual ticker and
 * clock shared by the workers; nothing sleeps.
 */
class WorkerPoolTest {
  private static final List<String> KEYS = RingChange.syntheticKeys(3000);

  private final TestAws aws = TestAws.get();
  private final TestStack stack = aws.newStack("pool");
  private final ManualTicker ticker = new ManualTicker();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T12:00:00Z"));
  private final List<WorkerPool> pools = new ArrayList<>();

  /** What one worker was told: the keys it owns by its listener's account. */
  private static final class Owned {
    final Set<String> keys = new HashSet<>();
    int changes;
  }

  private WorkerPool join(String member, Owned owned) {
    WorkerPool pool =
        WorkerPool.builder()
            .dynamoDb(aws.dynamoDb())
            .table(stack.leaseTable())
            .pool("sessions")
            .member(member)
            .ticker(ticker)
            .clock(clock)
            .virtualNodes(256)
            .keys(() -> KEYS)
            .listener(
                (view, gained, lost) -> {
                  owned.changes++;
                  // Told of moves only: nothing it did not have is lost, nothing it had is gained.
                  if (!owned.keys.containsAll(lost)
                      || gained.stream().anyMatch(owned.keys::contains)) {
                    throw new AssertionError(
                        member + " told of keys it did not hold or held already");
                  }
                  owned.keys.removeAll(lost);
                  owned.keys.addAll(gained);
                })
            .build();
    pools.add(pool);
    return pool;
  }

  @AfterEach
  void leave() {
    pools.forEach(WorkerPool::close);
  }

  private void later(Duration d) {
    ticker.advance(d);
    clock.advance(d);
  }

  @Test
  void workersJoinSplitTheKeysAndTakeBackALeaversAndACrashedWorkersKeys() {
    Owned a = new Owned();
    Owned b = new Owned();
    Owned c = new Owned();
    WorkerPool poolA = join("worker-a", a);
    assertThat(poolA.refresh().members()).containsExactly("worker-a");
    assertThat(a.keys).hasSize(KEYS.size());

    WorkerPool poolB = join("worker-b", b);
    WorkerPool poolC = join("worker-c", c);
    poolB.refresh();
    poolC.refresh();
    PoolView view = poolA.refresh();
    poolB.refresh();

    assertThat(view.members()).containsExactly("worker-a", "worker-b", "worker-c");
    // Every key owned by exactly the member the ring names, by each worker's own account.
    for (String key : KEYS) {
      String owner = view.ownerOf(key).orElseThrow();
      assertThat(a.keys.contains(key)).isEqualTo(owner.equals("worker-a"));
      assertThat(b.keys.contains(key)).isEqualTo(owner.equals("worker-b"));
      assertThat(c.keys.contains(key)).isEqualTo(owner.equals("worker-c"));
    }
    assertThat(a.keys.size()).isBetween(800, 1200);

    // b leaves: a and c take its keys at their next refresh, and b is told it lost them all.
    Set<String> bHad = Set.copyOf(b.keys);
    poolB.close();
    assertThat(b.keys).isEmpty();
    poolA.refresh();
    poolC.refresh();
    Set<String> aAndC = new HashSet<>(a.keys);
    aAndC.addAll(c.keys);
    assertThat(aAndC).containsAll(bHad).hasSize(KEYS.size());

    // c crashes: it stops refreshing, and once its lease lapses a holds every key.
    later(Duration.ofSeconds(20));
    poolA.refresh();
    assertThat(poolA.view().members()).as("c's lease still runs").contains("worker-c");
    later(Duration.ofSeconds(20));
    assertThat(poolA.refresh().members()).containsExactly("worker-a");
    assertThat(a.keys).hasSize(KEYS.size());
  }

  @Test
  void aWorkerRegistersOnceAndLeavesNoHolderBehind() {
    WorkerPool pool = join("worker-a", new Owned());
    pool.refresh();
    pool.refresh();

    assertThat(new LeaseTableReader(aws.dynamoDb(), stack.leaseTable()).list())
        .filteredOn(l -> l.id().startsWith(WorkerPool.memberPrefix("sessions")))
        .singleElement()
        .satisfies(l -> assertThat(l.owner()).isEqualTo("worker-a"));
    pool.close();
    pool.close();
    assertThat(new LeaseTableReader(aws.dynamoDb(), stack.leaseTable()).list())
        .filteredOn(l -> l.id().startsWith(WorkerPool.memberPrefix("sessions")))
        .singleElement()
        .satisfies(l -> assertThat(l.held()).isFalse());
  }

  @Test
  void startedItRefreshesOnItsOwnNamedThreadAndStopsOnClose() throws Exception {
    Owned owned = new Owned();
    WorkerPool pool = join("worker-a", owned);
    pool.start();

    Eventually.await(
        "the first refresh",
        Duration.ofSeconds(30),
        () -> owned.keys.size() == KEYS.size(),
        pool::view);
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .contains("fenceq-pool-sessions");
    assertThatThrownBy(pool::start).hasMessage("pool sessions member worker-a is already started");
    pool.close();

    assertThat(owned.keys).isEmpty();
    assertThatThrownBy(pool::start).hasMessage("pool sessions member worker-a is closed");
  }

  @Test
  void badNamesAreRefusedInOneLine() {
    assertThatThrownBy(() -> WorkerPool.builder().pool("a#b"))
        .hasMessage("pool must be 1 to 100 characters without '#', got \"a#b\"");
    assertThatThrownBy(() -> WorkerPool.builder().member(" "))
        .hasMessage("member must be 1 to 256 characters and not blank, got \" \"");
    assertThatThrownBy(() -> WorkerPool.builder().pool("p").member("m").build())
        .hasMessage("invalid WorkerPool setting dynamoDb: missing");
  }
}
