package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.lease.AcquireResult;
import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.FailureRecord;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.LeaseRefusal;
import io.fenceq.lease.LeaseStore;
import io.fenceq.lease.ReleaseResult;
import io.fenceq.lease.RenewResult;
import io.fenceq.lease.SequenceSpan;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The lease rules, as the shared module's unit tests state them, against DynamoDB Local over HTTP:
 * the condition expressions themselves decide here.
 */
class LeaseRulesOnDynamoDbTest {
  private static final AtomicInteger LEASES = new AtomicInteger();
  private static TestStack stack;
  private static DynamoDbClient dynamoDb;

  private final String lease = String.format("lane#%04d", LEASES.incrementAndGet());
  private Contenders contenders;

  @BeforeAll
  static void provision() {
    stack = TestAws.get().newStack("lease-rules");
    dynamoDb = TestAws.get().dynamoDb();
  }

  private Contenders contenders() {
    if (contenders == null) {
      contenders = new Contenders(dynamoDb, stack.leaseTable());
    }
    return contenders;
  }

  private Map<String, AttributeValue> item() {
    return dynamoDb
        .getItem(
            r ->
                r.tableName(stack.leaseTable())
                    .key(Map.of("id", AttributeValue.fromS(lease)))
                    .consistentRead(true))
        .item();
  }

  private static Lease granted(AcquireResult r) {
    assertThat(r).isInstanceOf(Lease.class);
    return (Lease) r;
  }

  private static LeaseRefusal refused(AcquireResult r) {
    assertThat(r).isInstanceOf(LeaseRefusal.class);
    return (LeaseRefusal) r;
  }

  private static Lease renewed(RenewResult r) {
    assertThat(r).isInstanceOf(Lease.class);
    return (Lease) r;
  }

  private static LeaseLoss lost(Object r) {
    assertThat(r).isInstanceOf(LeaseLoss.class);
    return (LeaseLoss) r;
  }

  @Test
  void aHeldLeaseIsRefusedWithTheHolderAndExpiryFromTheAllOldItem() {
    LeaseStore a = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    LeaseStore b = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    assertThat(granted(a.acquire(lease, "a")).fence()).isEqualTo(1);
    contenders().advance(Duration.ofSeconds(10));
    LeaseRefusal refusal = refused(b.acquire(lease, "b"));
    assertThat(refusal.holder()).isEqualTo("a");
    assertThat(refusal.holderFence()).isEqualTo(1);
    assertThat(refusal.holderExpiresAt()).isEqualTo(Contenders.T0.plusSeconds(30));
    assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMillis(20_001));
    assertThat(refusal.reason()).contains("table " + stack.leaseTable(), "held by a at fence 1");
    assertThat(item())
        .containsOnlyKeys("id", "owner", "fence", "expiresAt", "renewals", "leaseMillis");
  }

  @Test
  void wallClockExpiryTakeoverAndTheOldHoldersRenewAndReleaseAreRefused() {
    LeaseStore a = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    LeaseStore b = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    Lease first = granted(a.acquire(lease, "a"));
    contenders().advance(Duration.ofSeconds(30));
    refused(b.acquire(lease, "b"));
    contenders().advance(Duration.ofMillis(1));
    assertThat(granted(b.acquire(lease, "b")).fence()).isEqualTo(2);

    assertThat(lost(a.renew(first)).reason()).contains("it is now held by b at fence 2");
    assertThat(lost(a.release(first)).heldBy()).isEqualTo("b");
    assertThat(item().get("owner").s()).isEqualTo("b");
  }

  @Test
  void theFailureRecordIsWrittenOnlyAtTheHoldersFenceReadBackByTheNextGrantAndCleared() {
    LeaseStore a = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    LeaseStore b = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    Lease old = granted(a.acquire(lease, "a"));
    contenders().advance(Duration.ofSeconds(31));
    Lease held = granted(b.acquire(lease, "b"));

    Lease once = renewed(b.recordFailure(held, "m-1", "boom"));
    assertThat(lost(a.recordFailure(old, "m-1", "zombie")).heldBy()).isEqualTo("b");
    assertThat(lost(a.clearFailure(old)).currentFence()).isEqualTo(2);
    Lease twice = renewed(b.recordFailure(once, "m-1", "boom again"));
    assertThat(b.release(twice)).isInstanceOf(ReleaseResult.Released.class);
    Lease next = granted(b.acquire(lease, "b"));

    assertThat(next.failure()).contains(new FailureRecord("m-1", 2, "boom again"));
    assertThat(item().get("failures").n()).isEqualTo("2");
    Lease cleared = renewed(b.clearFailure(next));
    assertThat(cleared.failure()).isEmpty();
    assertThat(item())
        .containsOnlyKeys("id", "owner", "fence", "expiresAt", "renewals", "leaseMillis");
  }

  @Test
  void renewAfterLossIsRefusedEvenOnceTheNewHolderReleased() {
    LeaseStore a = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    LeaseStore b = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    Lease first = granted(a.acquire(lease, "a"));
    contenders().advance(Duration.ofSeconds(31));
    Lease second = granted(b.acquire(lease, "b"));
    assertThat(b.release(second)).isInstanceOf(ReleaseResult.Released.class);
    assertThat(lost(a.renew(first)).reason()).contains("released and is free, now at fence 2");
  }

  @Test
  void releaseByANonOwnerOrWithAStaleFenceIsRefusedAndChangesNothing() {
    LeaseStore a = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    Lease old = granted(a.acquire(lease, "a"));
    Lease held = granted(a.acquire(lease, "a"));
    Lease forged = new Lease(lease, "b", 2, held.expiresAt(), 0, held.duration(), 0);
    assertThat(lost(a.release(forged)).heldBy()).isEqualTo("a");
    assertThat(lost(a.release(old)).reason()).contains("the same owner id acquired it again");
    assertThat(item().get("owner").s()).isEqualTo("a");
    assertThat(renewed(a.renew(held)).renewals()).isEqualTo(1);
  }

  @Test
  void fencesNeverRestartAfterReleaseOrExpiry() {
    LeaseStore a = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    LeaseStore b = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    Lease l1 = granted(a.acquire(lease, "a"));
    a.release(l1);
    assertThat(item()).containsKey("fence").doesNotContainKey("owner");
    Lease l2 = granted(b.acquire(lease, "b"));
    contenders().advance(Duration.ofSeconds(31));
    Lease l3 = granted(a.acquire(lease, "a"));
    assertThat(new long[] {l1.fence(), l2.fence(), l3.fence()}).containsExactly(1, 2, 3);
  }

  @Test
  void wallClockSkewMovesTheTakeoverBothWays() {
    LeaseStore a = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    LeaseStore fast =
        contenders()
            .contender(Contenders.config(ExpiryMode.WALL_CLOCK_HINT), Duration.ofSeconds(30));
    LeaseStore slow =
        contenders()
            .contender(Contenders.config(ExpiryMode.WALL_CLOCK_HINT), Duration.ofSeconds(-30));
    Lease first = granted(a.acquire(lease, "a"));
    refused(slow.acquire(lease, "slow"));
    contenders().advance(Duration.ofMillis(1));
    Lease early = granted(fast.acquire(lease, "fast"));
    assertThat(a.isValid(first)).as("a still believes it holds: an early takeover").isTrue();
    assertThat(early.fence()).isEqualTo(2);

    // fast dies. Its expiry, written 30 s ahead, is 90 s away on slow's clock, 30 s behind: slow
    // takes over 60 s after the lease really ended. Its wait after a refusal is capped at the
    // holder's lease: more than a lease left can only be skew.
    assertThat(refused(slow.acquire(lease, "slow")).retryAfter())
        .isEqualTo(Duration.ofSeconds(30).plusMillis(1));
    contenders().advance(Duration.ofSeconds(30).plusMillis(1));
    refused(slow.acquire(lease, "slow"));
    contenders().advance(Duration.ofSeconds(60).minusMillis(1));
    refused(slow.acquire(lease, "slow"));
    contenders().advance(Duration.ofMillis(1));
    assertThat(granted(slow.acquire(lease, "slow")).fence()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(names = {"MINUS_30", "ZERO", "PLUS_30"})
  void observedTakesOverAfterAFullUnchangedLeaseWhateverTheSkew(Skew skew) {
    LeaseStore a = contenders().contender(ExpiryMode.OBSERVED);
    LeaseStore b = contenders().contender(Contenders.config(ExpiryMode.OBSERVED), skew.value);
    Lease held = granted(a.acquire(lease, "a"));
    for (int i = 0; i < 6; i++) {
      contenders().advance(Duration.ofSeconds(10));
      held = renewed(a.renew(held));
      refused(b.acquire(lease, "b"));
    }
    // a dies now; b first saw this state just now.
    contenders().advance(Duration.ofSeconds(30).minusNanos(1));
    refused(b.acquire(lease, "b"));
    assertThat(a.isValid(held)).isTrue();
    contenders().advance(Duration.ofNanos(1));
    assertThat(a.isValid(held)).isFalse();
    assertThat(granted(b.acquire(lease, "b")).fence()).isEqualTo(2);
  }

  @Test
  void observedTakeoverIsRefusedWhenTheHolderRenewedAfterTheObservation() {
    LeaseStore a = contenders().contender(ExpiryMode.OBSERVED);
    LeaseStore b = contenders().contender(ExpiryMode.OBSERVED);
    Lease held = granted(a.acquire(lease, "a"));
    refused(b.acquire(lease, "b"));
    contenders().advance(Duration.ofSeconds(29));
    held = renewed(a.renew(held));
    contenders().advance(Duration.ofSeconds(1));
    assertThat(refused(b.acquire(lease, "b")).retryAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(renewed(a.renew(held)).fence()).isEqualTo(1);
  }

  private static SequenceSpan span(String first, String last) {
    return new SequenceSpan(first, last);
  }

  @ParameterizedTest
  @EnumSource(ExpiryMode.class)
  void aLaneBatchAboveTheHoldersIsHandedTheLeaseAndOneAtOrBelowItIsRefused(ExpiryMode mode) {
    LeaseStore a = contenders().contender(mode);
    LeaseStore b = contenders().contender(mode);
    Lease held = granted(a.acquire(lease, "a", span("9", "18849496460467696128")));
    assertThat(item().get("heldThrough").s()).isEqualTo("0".repeat(20) + "18849496460467696128");

    refused(b.acquire(lease, "b", span("18849496460467696128", "18849496460467696200")));
    Lease next =
        granted(b.acquire(lease, "b", span("18849496460467696129", "18849496460467696129")));

    assertThat(next.fence()).isEqualTo(held.fence() + 1);
    assertThat(lost(a.renew(held)).heldBy()).isEqualTo("b");
    assertThat(item().get("owner").s()).isEqualTo("b");
  }

  @Test
  void aGrantWithoutABatchRemovesTheRecordedOneAndIsNeverHandedOver() {
    LeaseStore a = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    LeaseStore b = contenders().contender(ExpiryMode.WALL_CLOCK_HINT);
    granted(a.acquire(lease, "a", span("1", "10")));
    granted(a.acquire(lease, "a"));

    assertThat(item()).doesNotContainKey("heldThrough");
    refused(b.acquire(lease, "b", span("11", "20")));
  }

  @Test
  void aMissingTableFailsAtBuildNamingIt() {
    assertThatThrownBy(
            () -> LeaseStore.builder().dynamoDb(dynamoDb).table("no-such-leases").build())
        .isInstanceOf(LeaseException.class)
        .hasMessageStartingWith("lease table no-such-leases does not exist");
  }

  enum Skew {
    MINUS_30(Duration.ofSeconds(-30)),
    ZERO(Duration.ZERO),
    PLUS_30(Duration.ofSeconds(30));

    final Duration value;

    Skew(Duration value) {
      this.value = value;
    }
  }
}
