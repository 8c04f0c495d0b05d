package io.fenceq.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.redis.testing.Accounts;
import io.fenceq.redis.testing.RecordingMetrics;
import io.fenceq.redis.testing.RedisProcess;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lock on a real redis-server primary with one replica. */
class FencedRedisLockTest {
  private static final Path LOGS = Path.of("target", "redis-logs");
  private static RedisProcess primary;
  private static RedisProcess replica;
  private static StatefulRedisConnection<String, String> connection;

  @BeforeAll
  static void start() throws Exception {
    primary = RedisProcess.primary(LOGS);
    replica = RedisProcess.replicaOf(primary, LOGS);
    connection = primary.client().connect();
  }

  @AfterAll
  static void stop() {
    if (connection != null) {
      connection.close();
    }
    if (replica != null) {
      replica.close();
    }
    if (primary != null) {
      primary.close();
    }
  }

  /**
   * WAIT's timeout is generous: a loaded machine may be slow to replicate, and only a stopped
   * replica is meant to miss it.
   */
  private static RedisLockConfig.Builder config() {
    return RedisLockConfig.builder().waitTimeout(Duration.ofSeconds(5));
  }

  private static String name() {
    return "lock-" + UUID.randomUUID();
  }

  private static FencedRedisLock lock(RedisLockConfig.Builder config) {
    return FencedRedisLock.on(connection, config.build());
  }

  private static RedisLockHandle acquired(RedisAcquireResult result) {
    assertThat(result).isInstanceOf(RedisAcquireResult.Acquired.class);
    return ((RedisAcquireResult.Acquired) result).handle();
  }

  /** Acquires, polling while the lock is busy, for at most 60 s. */
  private static RedisLockHandle acquireWithin60s(FencedRedisLock lock, String name) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() - until < 0) {
      if (lock.acquire(name) instanceof RedisAcquireResult.Acquired a) {
        return a.handle();
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("lock " + name + " not acquired within 60 s");
  }

  @Test
  void acquireMintsRisingFencesOnTheReplicasAndIsBusyWhileHeld() {
    RecordingMetrics metrics = new RecordingMetrics();
    FencedRedisLock lock = lock(config().metrics(metrics));
    String name = name();

    RedisLockHandle first = acquired(lock.acquire(name));
    assertThat(first.fence()).isEqualTo(1);
    assertThat(first.replicasAcknowledged()).isEqualTo(1);
    RedisAcquireResult busy = lock.acquire(name);
    assertThat(busy).isInstanceOf(RedisAcquireResult.Busy.class);
    assertThat(((RedisAcquireResult.Busy) busy).retryAfter())
        .isPositive()
        .isLessThanOrEqualTo(Duration.ofSeconds(5));
    assertThat(lock.release(first)).isTrue();
    assertThat(lock.release(first)).as("release is idempotent").isFalse();

    RedisLockHandle second = acquired(lock.acquire(name));
    assertThat(second.fence()).isEqualTo(2);
    assertThat(replica.admin().sync().get(lock.keys(name).get(1))).isEqualTo("2");
    assertThat(metrics.count(FencedRedisLock.ACQUIRED)).isEqualTo(2);
    assertThat(metrics.count(FencedRedisLock.BUSY)).isEqualTo(1);
    assertThat(metrics.timings(FencedRedisLock.WAIT_TIME)).hasSize(2);
  }

  @Test
  void onlyTheOwnerWithItsFenceRenewsOrReleases() {
    FencedRedisLock lock = lock(config());
    String name = name();
    RedisLockHandle holder = acquired(lock.acquire(name));
    RedisLockHandle sameOwnerOtherFence =
        new RedisLockHandle(
            name, holder.owner(), holder.fence() + 1, 0, Duration.ZERO, System::nanoTime, 0);
    RedisLockHandle otherOwner =
        new RedisLockHandle(
            name, "someone-else", holder.fence(), 0, Duration.ZERO, System::nanoTime, 0);

    assertThat(lock.renew(sameOwnerOtherFence)).isFalse();
    assertThat(lock.renew(otherOwner)).isFalse();
    assertThat(lock.release(sameOwnerOtherFence)).isFalse();
    assertThat(lock.release(otherOwner)).isFalse();
    assertThat(lock.renew(holder)).isTrue();
    assertThat(lock.release(holder)).isTrue();
  }

  @Test
  void theHandleExpiresOnItsTickerAndARenewalExtendsIt() {
    AtomicLong now = new AtomicLong();
    FencedRedisLock lock = lock(config().ttl(Duration.ofSeconds(30)).ticker(now::get));
    RedisLockHandle holder = acquired(lock.acquire(name()));
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(holder.expired()).isFalse();
    assertThat(lock.renew(holder)).isTrue();
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    assertThat(holder.expired()).isFalse();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(holder.expired()).isTrue();
  }

  @Test
  void tokensOrderAHoldersWritesAndPutANewerHolderAfterThemAll() {
    FencedRedisLock lock = lock(config());
    String name = name();
    RedisLockHandle older = acquired(lock.acquire(name));
    FenceToken a = older.nextToken();
    FenceToken b = older.nextToken();
    lock.release(older);
    RedisLockHandle newer = acquired(lock.acquire(name));
    FenceToken c = newer.nextToken();

    assertThat(a.fence()).isEqualTo(b.fence()).isLessThan(c.fence());
    assertThat(a.seqNumber()).isLessThan(b.seqNumber());
    assertThat(b.seqNumber()).isLessThan(c.seqNumber());
    assertThat(new FenceToken(Long.MAX_VALUE, "1").fence()).isPositive();
    assertThat(
            new RedisLockHandle(name, "o", Long.MAX_VALUE, 0, Duration.ZERO, System::nanoTime, 0)
                .nextToken()
                .seq())
        .hasSizeLessThanOrEqualTo(FenceToken.MAX_SEQ_DIGITS);
  }

  @Test
  void theLockAndItsCounterShareOneClusterSlot() {
    FencedRedisLock lock = lock(config());
    for (String name : List.of("orders", "a:b", "ü-名前", name())) {
      List<String> keys = lock.keys(name);
      assertThat(SlotHash.getSlot(keys.get(0))).as(name).isEqualTo(SlotHash.getSlot(keys.get(1)));
    }
    for (String bad : List.of("", "}", "{x}", "a}b")) {
      assertThatThrownBy(() -> lock.acquire(bad))
          .hasMessage(
              "lock name must be non-empty and without braces (it is the keys' hash tag), got \""
                  + bad
                  + "\"");
    }
    assertThatThrownBy(() -> RedisLockConfig.builder().keyPrefix("a{b").build())
        .hasMessage(
            "RedisLockConfig keyPrefix must not contain braces (the lock name is the keys' hash"
                + " tag), got \"a{b\"");
    assertThatThrownBy(() -> RedisLockConfig.builder().waitReplicas(-1))
        .hasMessage("RedisLockConfig waitReplicas must be 0 or more, got -1");
  }

  @Test
  void twoContendersRacingNeverHoldAtOnceAndEveryWriteIsApplied() throws Exception {
    String name = name();
    try (Accounts accounts = new Accounts().open("acct")) {
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      List<Long> fences = Collections.synchronizedList(new ArrayList<>());
      List<FenceResult> results = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch go = new CountDownLatch(1);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> contenders = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        String who = "contender-" + c;
        // Each contender has its own connection, as two processes would.
        StatefulRedisConnection<String, String> own = primary.client().connect();
        // A TTL far beyond the section: a contender descheduled on a loaded machine keeps it.
        FencedRedisLock lock =
            FencedRedisLock.on(own, config().ttl(Duration.ofSeconds(60)).build());
        contenders.add(
            Thread.ofPlatform()
                .name(who)
                .start(
                    () -> {
                      try (own) {
                        go.await();
                        for (int round = 0; round < 100; round++) {
                          RedisLockHandle h = acquireWithin60s(lock, name);
                          if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                          }
                          fences.add(h.fence());
                          results.add(accounts.setOwner("acct", who, h.nextToken()));
                          inside.decrementAndGet();
                          lock.release(h);
                        }
                      } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                      }
                    }));
      }
      go.countDown();
      for (Thread t : contenders) {
        t.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
      }
      assertThat(failure.get()).isNull();
      assertThat(overlaps.get()).isZero();
      assertThat(fences).hasSize(200).doesNotHaveDuplicates().isSorted();
      assertThat(results).containsOnly(FenceResult.APPLIED);
      assertThat(accounts.fence("acct")).isEqualTo(Collections.max(fences));
    }
  }

  @Test
  void aHolderPausedPastItsTtlHasItsLateWriteRefusedByTheStore() throws Exception {
    String name = name();
    FencedRedisLock lock = lock(config().ttl(Duration.ofMillis(200)));
    try (Accounts accounts = new Accounts().open("acct")) {
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      AtomicReference<RedisLockHandle> paused = new AtomicReference<>();
      AtomicReference<FenceResult> lateWrite = new AtomicReference<>();
      Thread holder =
          Thread.ofPlatform()
              .name("paused-holder")
              .start(
                  () -> {
                    try {
                      RedisLockHandle h = acquired(lock.acquire(name));
                      paused.set(h);
                      FenceToken token = h.nextToken();
                      holding.countDown();
                      resume.await(); // paused, token in hand, past the TTL
                      lateWrite.set(accounts.setOwner("acct", "paused-holder", token));
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();

      RedisLockHandle next = acquireWithin60s(lock, name);
      assertThat(next.fence()).isGreaterThan(paused.get().fence());
      assertThat(accounts.setOwner("acct", "next-holder", next.nextToken()))
          .isEqualTo(FenceResult.APPLIED);
      resume.countDown();
      holder.join(TimeUnit.SECONDS.toMillis(60));

      assertThat(lateWrite.get()).isEqualTo(FenceResult.FENCED);
      assertThat(accounts.owner("acct")).isEqualTo("next-holder");
      assertThat(lock.renew(paused.get())).as("the paused holder cannot renew").isFalse();
      assertThat(lock.release(paused.get())).as("nor release the new holder's lock").isFalse();
      assertThat(lock.release(next)).isTrue();
    }
  }

  @Test
  void aKilledHoldersLockExpiresAndTheNextHolderGetsAHigherFence() {
    String name = name();
    RedisLockConfig config = config().ttl(Duration.ofMillis(200)).build();
    long killedFence;
    // The holder's process dies: its connection goes away without a release.
    try (StatefulRedisConnection<String, String> own = primary.client().connect()) {
      killedFence = acquired(FencedRedisLock.on(own, config).acquire(name)).fence();
    }
    RedisLockHandle next = acquireWithin60s(FencedRedisLock.on(connection, config), name);
    assertThat(next.fence()).isEqualTo(killedFence + 1);
  }

  @Test
  void aStoppedReplicaMakesTheAcquireRefusedAndReleased() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    FencedRedisLock lock =
        lock(config().metrics(metrics).waitReplicas(1).waitTimeout(Duration.ofMillis(100)));
    String name = name();
    RedisAcquireResult refused;
    replica.pause();
    try {
      refused = lock.acquire(name);
    } finally {
      replica.resume();
    }
    assertThat(refused).isInstanceOf(RedisAcquireResult.NotReplicated.class);
    RedisAcquireResult.NotReplicated r = (RedisAcquireResult.NotReplicated) refused;
    assertThat(r.fence()).isEqualTo(1);
    assertThat(r.acknowledged()).isZero();
    assertThat(r.asked()).isEqualTo(1);
    assertThat(r.waited()).isPositive();
    assertThat(metrics.count(FencedRedisLock.NOT_REPLICATED)).isEqualTo(1);
    assertThat(metrics.timings(FencedRedisLock.WAIT_TIME)).hasSize(1);
    // Released at once, not left to its TTL; the withheld fence is never handed out.
    RedisLockHandle next = acquired(lock(config()).acquire(name));
    assertThat(next.fence()).isEqualTo(2);
    assertThat(next.replicasAcknowledged()).isEqualTo(1);
  }
}
