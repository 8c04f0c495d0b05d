package io.fenceq.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.redis.internal.LockKeys;
import io.fenceq.redis.testing.Accounts;
import io.fenceq.redis.testing.RecordingMetrics;
import io.fenceq.redis.testing.RedisProcess;
import io.lettuce.core.KillArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A primary failover that loses the fence counter's last increment: the replica is stopped and cut
 * off, a holder acquires on the primary alone, the primary is killed (SIGKILL) before it
 * replicates, and the replica is promoted with {@code REPLICAOF NO ONE}. Each test measures what
 * the promoted counter hands out and which rule keeps the fence guarantee.
 */
class FailoverTest {
  private static final Path LOGS = Path.of("target", "redis-logs");
  private static final String LOCK = "orders";
  private static final String ACCT = "acct";

  private RedisProcess primary;
  private RedisProcess replica;
  private RedisProcess newReplica;
  private StatefulRedisConnection<String, String> toPrimary;
  private StatefulRedisConnection<String, String> toPromoted;
  private Accounts accounts;

  @BeforeEach
  void start() throws Exception {
    primary = RedisProcess.primary(LOGS);
    replica = RedisProcess.replicaOf(primary, LOGS);
    toPrimary = primary.client().connect();
    accounts = new Accounts().open(ACCT);
    // Fence 1, acknowledged by the replica and written downstream: the history both nodes share.
    FencedRedisLock strict = FencedRedisLock.on(toPrimary, strict().build());
    RedisLockHandle first = acquired(strict.acquire(LOCK));
    assertThat(first.fence()).isEqualTo(1);
    assertThat(accounts.setOwner(ACCT, "first", first.nextToken())).isEqualTo(FenceResult.APPLIED);
    strict.release(first);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c :
        new AutoCloseable[] {toPrimary, toPromoted, newReplica, replica, primary, accounts}) {
      if (c != null) {
        try {
          c.close();
        } catch (RuntimeException e) {
          // the node may be dead already
        }
      }
    }
  }

  /** WAIT for the replica; generous, since only a stopped replica is meant to miss it. */
  private static RedisLockConfig.Builder strict() {
    return RedisLockConfig.builder().waitReplicas(1).waitTimeout(Duration.ofSeconds(5));
  }

  private static RedisLockConfig.Builder lenient() {
    return RedisLockConfig.builder().waitReplicas(0);
  }

  private static RedisLockHandle acquired(RedisAcquireResult result) {
    assertThat(result).isInstanceOf(RedisAcquireResult.Acquired.class);
    return ((RedisAcquireResult.Acquired) result).handle();
  }

  private String counterOn(RedisProcess node) {
    return node.admin().sync().get(LockKeys.of(lenient().build().keyPrefix(), LOCK).fence());
  }

  /** Stops the replica and cuts its link, so that nothing written from now on reaches it. */
  private void cutReplica() throws Exception {
    replica.pause();
    primary.admin().sync().clientKill(KillArgs.Builder.typeSlave());
  }

  /** SIGKILL to the primary, then the replica resumes and is promoted. */
  private void killPrimaryAndPromote() throws Exception {
    primary.kill();
    toPrimary.close();
    toPrimary = null;
    replica.resume();
    replica.promote();
    toPromoted = replica.client().connect();
  }

  @Test
  void withoutWaitOrFloorTheFailoverHandsTheSameFenceToTwoHolders() throws Exception {
    cutReplica();
    RedisLockHandle a = acquired(FencedRedisLock.on(toPrimary, lenient().build()).acquire(LOCK));
    assertThat(accounts.setOwner(ACCT, "a", a.nextToken())).isEqualTo(FenceResult.APPLIED);
    String before = counterOn(primary);
    killPrimaryAndPromote();
    String after = counterOn(replica);

    RedisLockHandle b = acquired(FencedRedisLock.on(toPromoted, lenient().build()).acquire(LOCK));
    FenceResult bWrite = accounts.setOwner(ACCT, "b", b.nextToken());
    FenceResult aLateWrite = accounts.setOwner(ACCT, "a", a.nextToken());
    System.out.printf(
        "MEASURED failover, no WAIT, no floor: counter before=%s after=%s; holder A fence=%d,"
            + " new holder B fence=%d; B's first write %s, A's next write %s%n",
        before, after, a.fence(), b.fence(), bWrite, aLateWrite);

    assertThat(before).isEqualTo("2");
    assertThat(after).as("the promoted replica lost the increment").isEqualTo("1");
    assertThat(b.fence()).as("the same fence, handed out twice").isEqualTo(a.fence());
    // Same fence, same write number: B's write is taken for A's (lost), and A, no longer the
    // holder, writes over B.
    assertThat(bWrite).isEqualTo(FenceResult.DUPLICATE);
    assertThat(aLateWrite).isEqualTo(FenceResult.APPLIED);
    assertThat(accounts.owner(ACCT)).isEqualTo("a");
  }

  @Test
  void theFenceFloorKeepsANewFenceAboveEveryFenceTheStoreAccepted() throws Exception {
    cutReplica();
    RedisLockHandle a = acquired(FencedRedisLock.on(toPrimary, lenient().build()).acquire(LOCK));
    assertThat(accounts.setOwner(ACCT, "a", a.nextToken())).isEqualTo(FenceResult.APPLIED);
    killPrimaryAndPromote();

    RecordingMetrics metrics = new RecordingMetrics();
    RedisLockConfig withFloor =
        lenient().fenceFloor(name -> floorOf(accounts)).metrics(metrics).build();
    RedisLockHandle b = acquired(FencedRedisLock.on(toPromoted, withFloor).acquire(LOCK));
    FenceResult bWrite = accounts.setOwner(ACCT, "b", b.nextToken());
    FenceResult aLateWrite = accounts.setOwner(ACCT, "a", a.nextToken());
    System.out.printf(
        "MEASURED failover, floor from the store: counter after=%s (raised to the floor %d);"
            + " A fence=%d, B fence=%d; B's write %s, A's late write %s%n",
        counterOn(replica), a.fence(), a.fence(), b.fence(), bWrite, aLateWrite);

    assertThat(b.fence()).isEqualTo(a.fence() + 1);
    assertThat(metrics.count(FencedRedisLock.FLOOR_RAISED)).isEqualTo(1);
    assertThat(bWrite).isEqualTo(FenceResult.APPLIED);
    assertThat(aLateWrite).isEqualTo(FenceResult.FENCED);
    assertThat(accounts.owner(ACCT)).isEqualTo("b");
  }

  @Test
  void theFloorAloneCannotCoverAFenceHandedOutButNotYetWritten() throws Exception {
    cutReplica();
    RedisLockHandle a = acquired(FencedRedisLock.on(toPrimary, lenient().build()).acquire(LOCK));
    FenceToken aToken = a.nextToken(); // A pauses before its first write.
    killPrimaryAndPromote();

    RedisLockConfig withFloor = lenient().fenceFloor(name -> floorOf(accounts)).build();
    RedisLockHandle b = acquired(FencedRedisLock.on(toPromoted, withFloor).acquire(LOCK));
    System.out.printf(
        "MEASURED failover, floor only, A not yet written: A fence=%d, B fence=%d%n",
        a.fence(), b.fence());

    assertThat(b.fence()).as("the store had not seen A's fence").isEqualTo(a.fence());
    assertThat(accounts.setOwner(ACCT, "b", b.nextToken())).isEqualTo(FenceResult.APPLIED);
    assertThat(accounts.setOwner(ACCT, "a", aToken))
        .as("A's write is stopped only because its write number collides with B's")
        .isEqualTo(FenceResult.DUPLICATE);
  }

  @Test
  void waitWithholdsTheFenceTheFailoverLosesSoNoTwoHoldersShareOne() throws Exception {
    cutReplica();
    RecordingMetrics metrics = new RecordingMetrics();
    RedisAcquireResult refused =
        FencedRedisLock.on(
                toPrimary, strict().waitTimeout(Duration.ofMillis(100)).metrics(metrics).build())
            .acquire(LOCK);
    assertThat(refused).isInstanceOf(RedisAcquireResult.NotReplicated.class);
    RedisAcquireResult.NotReplicated withheld = (RedisAcquireResult.NotReplicated) refused;
    killPrimaryAndPromote();
    // The promoted primary gets a replica of its own, as ElastiCache replaces the lost node.
    newReplica = RedisProcess.replicaOf(replica, LOGS);

    RedisLockConfig config = strict().fenceFloor(name -> floorOf(accounts)).build();
    RedisLockHandle b = acquired(FencedRedisLock.on(toPromoted, config).acquire(LOCK));
    System.out.printf(
        "MEASURED failover, WAIT for 1 replica: A refused (fence %d withheld, %d acknowledged,"
            + " WAIT %d ms); after promotion B fence=%d%n",
        withheld.fence(), withheld.acknowledged(), withheld.waited().toMillis(), b.fence());

    assertThat(withheld.fence()).isEqualTo(2);
    assertThat(withheld.acknowledged()).isZero();
    assertThat(metrics.count(FencedRedisLock.NOT_REPLICATED)).isEqualTo(1);
    assertThat(metrics.timings(FencedRedisLock.WAIT_TIME)).hasSize(1);
    // Fence 2 again, but only B ever held it: A was never given a token.
    assertThat(b.fence()).isEqualTo(2);
    assertThat(accounts.setOwner(ACCT, "b", b.nextToken())).isEqualTo(FenceResult.APPLIED);
    assertThat(accounts.owner(ACCT)).isEqualTo("b");
  }

  private static long floorOf(Accounts accounts) {
    try {
      return accounts.fence(ACCT);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
