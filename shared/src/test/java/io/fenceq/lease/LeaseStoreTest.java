package io.fenceq.lease;

import static io.fenceq.lease.LeaseWorld.T0;
import static io.fenceq.lease.LeaseWorld.TABLE;
import static io.fenceq.lease.LeaseWorld.granted;
import static io.fenceq.lease.LeaseWorld.lost;
import static io.fenceq.lease.LeaseWorld.refused;
import static io.fenceq.lease.LeaseWorld.renewed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.ring.Lane;
import io.fenceq.testing.FakeDynamoDb;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The lease protocol in both modes, on an in-memory table that evaluates the real conditions. */
class LeaseStoreTest {
  private static final String LANE = "lane#0001";
  private final LeaseWorld world = new LeaseWorld();

  private Map<String, AttributeValue> item() {
    return world.dynamoDb.item(TABLE, Map.of("id", AttributeValue.fromS(LANE)));
  }

  private UpdateItemRequest lastRequest() {
    var updates = world.dynamoDb.updates();
    return updates.get(updates.size() - 1);
  }

  @Test
  void aFreshLeaseIsGrantedWithFenceOneInOneConditionalWrite() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    Lease lease = granted(a.acquire(LANE, "a"));

    assertThat(lease.fence()).isEqualTo(1);
    assertThat(lease.owner()).isEqualTo("a");
    assertThat(lease.expiresAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(a.isValid(lease)).isTrue();
    assertThat(world.dynamoDb.updates()).hasSize(1);
    UpdateItemRequest sent = lastRequest();
    assertThat(sent.conditionExpression()).isEqualTo(LeaseStore.ACQUIRE_CONDITION);
    assertThat(sent.updateExpression()).isEqualTo(LeaseStore.ACQUIRE_UPDATE);
    assertThat(sent.returnValuesOnConditionCheckFailure())
        .isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
    assertThat(item())
        .containsOnlyKeys("id", "owner", "fence", "expiresAt", "renewals", "leaseMillis")
        .containsEntry("fence", AttributeValue.fromN("1"))
        .containsEntry("expiresAt", AttributeValue.fromN(Long.toString(T0.toEpochMilli() + 30_000)))
        .containsEntry("leaseMillis", AttributeValue.fromN("30000"));
  }

  @Test
  void aHeldLeaseIsRefusedNamingTheHolderTheExpiryAndWhenToRetry() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall());
    granted(a.acquire(LANE, "a"));
    world.advance(Duration.ofSeconds(10));

    LeaseRefusal refusal = refused(b.acquire(LANE, "b"));
    assertThat(refusal.holder()).isEqualTo("a");
    assertThat(refusal.holderFence()).isEqualTo(1);
    assertThat(refusal.holderExpiresAt()).isEqualTo(T0.plusSeconds(30));
    assertThat(refusal.retryAfter()).isEqualTo(Duration.ofMillis(20_001));
    assertThat(refusal.reason())
        .startsWith(
            "lease lane#0001 in table test-leases is held by a at fence 1 until"
                + " 2026-11-26T12:00:30Z")
        .endsWith("retry after 20.001s");
    assertThat(item()).containsEntry("owner", AttributeValue.fromS("a"));
  }

  @Test
  void jitterSpreadsRetriesWithinTheConfiguredBound() {
    LeaseConfig jittery = LeaseWorld.wall().toBuilder().retryJitter(Duration.ofMillis(500)).build();
    LeaseStore a = world.contender(jittery);
    LeaseStore b = world.contender(jittery);
    granted(a.acquire(LANE, "a"));
    for (int i = 0; i < 50; i++) {
      assertThat(refused(b.acquire(LANE, "b")).retryAfter())
          .isBetween(Duration.ofMillis(30_001), Duration.ofMillis(30_501));
    }
  }

  @Test
  void wallClockExpiryLetsAContenderTakeOverAndTheOldHolderLearnsToWhomItLost() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall());
    Lease first = granted(a.acquire(LANE, "a"));

    world.advance(Duration.ofSeconds(30));
    refused(b.acquire(LANE, "b"));
    world.advance(Duration.ofMillis(1));
    Lease second = granted(b.acquire(LANE, "b"));
    assertThat(second.fence()).isEqualTo(2);
    assertThat(a.isValid(first)).isFalse();

    LeaseLoss renewLoss = lost(a.renew(first));
    assertThat(renewLoss.heldBy()).isEqualTo("b");
    assertThat(renewLoss.currentFence()).isEqualTo(2);
    assertThat(renewLoss.reason())
        .isEqualTo(
            "renew of lease lane#0001 in table test-leases by a at fence 1 refused: it is now"
                + " held by b at fence 2 until 2026-11-26T12:01:00.001Z");
    assertThat(lost(a.release(first)).reason()).startsWith("release of lease lane#0001");
    assertThat(item())
        .containsEntry("owner", AttributeValue.fromS("b"))
        .containsEntry("fence", AttributeValue.fromN("2"));
  }

  @Test
  void renewExtendsTheLeaseAndCountsWithoutChangingTheFence() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall());
    Lease first = granted(a.acquire(LANE, "a"));
    world.advance(Duration.ofSeconds(10));

    Lease again = renewed(a.renew(first));
    assertThat(lastRequest().conditionExpression()).isEqualTo(LeaseStore.RENEW_CONDITION);
    assertThat(again.fence()).isEqualTo(1);
    assertThat(again.renewals()).isEqualTo(1);
    assertThat(again.expiresAt()).isEqualTo(T0.plusSeconds(40));
    assertThat(again.localDeadlineNanos() - first.localDeadlineNanos())
        .isEqualTo(Duration.ofSeconds(10).toNanos());

    world.advance(Duration.ofSeconds(25));
    assertThat(refused(b.acquire(LANE, "b")).holderExpiresAt()).isEqualTo(T0.plusSeconds(40));
    assertThat(a.isValid(again)).isTrue();
  }

  @Test
  void renewAfterLossIsRefusedEvenOnceTheNewHolderHasReleased() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall());
    Lease first = granted(a.acquire(LANE, "a"));
    world.advance(Duration.ofSeconds(31));
    Lease second = granted(b.acquire(LANE, "b"));
    assertThat(b.release(second)).isInstanceOf(ReleaseResult.Released.class);

    LeaseLoss loss = lost(a.renew(first));
    assertThat(loss.heldBy()).isNull();
    assertThat(loss.reason()).endsWith("the lease was released and is free, now at fence 2");
    assertThat(item()).doesNotContainKey("owner");
  }

  @Test
  void releaseByANonOwnerIsRefusedAndChangesNothing() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall());
    Lease held = granted(a.acquire(LANE, "a"));
    Lease forged = new Lease(LANE, "b", held.fence(), held.expiresAt(), 0, held.duration(), 0);

    LeaseLoss loss = lost(b.release(forged));
    assertThat(lastRequest().conditionExpression()).isEqualTo(LeaseStore.RELEASE_CONDITION);
    assertThat(loss.heldBy()).isEqualTo("a");
    assertThat(loss.reason()).contains("by b at fence 1 refused: it is now held by a at fence 1");
    assertThat(item()).containsEntry("owner", AttributeValue.fromS("a"));
    assertThat(renewed(a.renew(held)).fence()).isEqualTo(1);
  }

  @Test
  void aStaleFenceOfTheSameOwnerCannotReleaseTheNewerGrant() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    Lease old = granted(a.acquire(LANE, "a"));
    Lease newer = granted(a.acquire(LANE, "a"));
    assertThat(newer.fence()).isEqualTo(2);

    assertThat(lost(a.release(old)).reason())
        .contains("the same owner id acquired it again at fence 2");
    assertThat(lost(a.renew(old)).currentFence()).isEqualTo(2);
    assertThat(item()).containsEntry("owner", AttributeValue.fromS("a"));
    assertThat(a.release(newer)).isInstanceOf(ReleaseResult.Released.class);
  }

  @Test
  void fencesNeverRestartReacquireAfterReleaseAndAfterExpiryMintsLargerFences() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall());
    long f1 = granted(a.acquire(LANE, "a")).fence();
    a.release(new Lease(LANE, "a", f1, T0, 0, Duration.ofSeconds(30), 0));
    assertThat(item()).as("release keeps the item and its fence").containsKey("fence");

    long f2 = granted(b.acquire(LANE, "b")).fence();
    world.advance(Duration.ofSeconds(31));
    long f3 = granted(a.acquire(LANE, "a")).fence();
    long f4 = granted(a.acquire(LANE, "a")).fence();

    assertThat(new long[] {f1, f2, f3, f4}).containsExactly(1, 2, 3, 4);
  }

  @Test
  void wallClockContenderThirtySecondsFastTakesOverEarlyWhileTheOldHolderStillBelievesItHolds() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall(), Duration.ofSeconds(30));
    Lease first = granted(a.acquire(LANE, "a"));
    world.advance(Duration.ofMillis(1));

    Lease early = granted(b.acquire(LANE, "b"));
    assertThat(early.fence()).isEqualTo(2);
    assertThat(a.isValid(first))
        .as("a still believes it holds the lease: two holders at once, by design of this mode")
        .isTrue();
    assertThat(lost(a.renew(first)).heldBy()).isEqualTo("b");
  }

  @Test
  void wallClockContenderThirtySecondsSlowTakesOverThirtySecondsLate() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    LeaseStore b = world.contender(LeaseWorld.wall(), Duration.ofSeconds(-30));
    granted(a.acquire(LANE, "a"));
    world.advance(Duration.ofSeconds(30).plusMillis(1));

    LeaseRefusal refusal = refused(b.acquire(LANE, "b"));
    assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    world.advance(Duration.ofSeconds(30).minusMillis(1));
    refused(b.acquire(LANE, "b"));
    world.advance(Duration.ofMillis(1));
    assertThat(granted(b.acquire(LANE, "b")).fence()).isEqualTo(2);
  }

  @Test
  void observedContenderNeverTakesOverALiveHolderWhateverItsClockSkew() {
    for (Duration skew :
        new Duration[] {Duration.ofSeconds(-30), Duration.ZERO, Duration.ofSeconds(30)}) {
      LeaseWorld w = new LeaseWorld();
      LeaseStore a = w.contender(LeaseWorld.observed());
      LeaseStore b = w.contender(LeaseWorld.observed(), skew);
      Lease held = granted(a.acquire(LANE, "a"));
      for (int i = 0; i < 12; i++) {
        w.advance(Duration.ofSeconds(10));
        held = renewed(a.renew(held));
        assertThat(b.acquire(LANE, "b"))
            .as("skew %s, round %d", skew, i)
            .isInstanceOf(LeaseRefusal.class);
      }
      for (UpdateItemRequest sent : w.dynamoDb.updates()) {
        assertThat(sent.expressionAttributeValues())
            .as("no wall clock consulted")
            .doesNotContainKey(":now");
      }
    }
  }

  @Test
  void observedContenderTakesOverAFullLeaseAfterTheHolderStoppedWhateverItsClockSkew() {
    for (Duration skew :
        new Duration[] {Duration.ofSeconds(-30), Duration.ZERO, Duration.ofSeconds(30)}) {
      LeaseWorld w = new LeaseWorld();
      LeaseStore a = w.contender(LeaseWorld.observed());
      LeaseStore b = w.contender(LeaseWorld.observed(), skew);
      Lease held = granted(a.acquire(LANE, "a"));
      w.advance(Duration.ofSeconds(10));
      held = renewed(a.renew(held));
      // a dies right after its renewal; b looks for the first time now.
      LeaseRefusal first = refused(b.acquire(LANE, "b"));
      assertThat(first.retryAfter()).isEqualTo(Duration.ofSeconds(30));

      w.advance(Duration.ofSeconds(30).minusNanos(1));
      assertThat(b.acquire(LANE, "b")).as("skew %s", skew).isInstanceOf(LeaseRefusal.class);
      assertThat(a.isValid(held)).isTrue();
      w.advance(Duration.ofNanos(1));
      assertThat(a.isValid(held)).as("a's own deadline has passed").isFalse();
      Lease taken = granted(b.acquire(LANE, "b"));
      assertThat(taken.fence()).isEqualTo(2);
      assertThat(w.dynamoDb.updates().get(w.dynamoDb.updates().size() - 1).conditionExpression())
          .isEqualTo(LeaseStore.ACQUIRE_OBSERVED_CONDITION);
    }
  }

  @Test
  void observedTakeoverIsRefusedWhenTheHolderRenewedAfterTheObservation() {
    LeaseStore a = world.contender(LeaseWorld.observed());
    LeaseStore b = world.contender(LeaseWorld.observed());
    Lease held = granted(a.acquire(LANE, "a"));
    refused(b.acquire(LANE, "b"));
    world.advance(Duration.ofSeconds(29));
    held = renewed(a.renew(held));
    world.advance(Duration.ofSeconds(1));

    // b has seen nothing since the renewal: its decision is stale, the conditional write is not.
    LeaseRefusal refusal = refused(b.acquire(LANE, "b"));
    assertThat(lastRequest().conditionExpression())
        .isEqualTo(LeaseStore.ACQUIRE_OBSERVED_CONDITION);
    assertThat(refusal.retryAfter())
        .as("a new observation window")
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(item()).containsEntry("owner", AttributeValue.fromS("a"));
    assertThat(renewed(a.renew(held)).fence()).isEqualTo(1);
  }

  @Test
  void observedTakesAReleasedLeaseAtOnce() {
    LeaseStore a = world.contender(LeaseWorld.observed());
    LeaseStore b = world.contender(LeaseWorld.observed());
    Lease held = granted(a.acquire(LANE, "a"));
    refused(b.acquire(LANE, "b"));
    a.release(held);
    assertThat(granted(b.acquire(LANE, "b")).fence()).isEqualTo(2);
    assertThat(lastRequest().conditionExpression()).isEqualTo(LeaseStore.ACQUIRE_FREE_CONDITION);
  }

  @Test
  void observedWatchesForTheHoldersLeaseDurationNotItsOwn() {
    LeaseStore a =
        world.contender(
            LeaseWorld.observed().toBuilder().leaseDuration(Duration.ofSeconds(60)).build());
    LeaseStore b = world.contender(LeaseWorld.observed());
    granted(a.acquire(LANE, "a"));
    assertThat(refused(b.acquire(LANE, "b")).retryAfter()).isEqualTo(Duration.ofSeconds(60));
    world.advance(Duration.ofSeconds(30));
    refused(b.acquire(LANE, "b"));
    world.advance(Duration.ofSeconds(30));
    granted(b.acquire(LANE, "b"));
  }

  @Test
  void aMissingTableFailsAtBuildNamingIt() {
    assertThatThrownBy(
            () -> LeaseStore.builder().dynamoDb(new FakeDynamoDb()).table("nope-leases").build())
        .isInstanceOf(LeaseException.class)
        .hasMessageStartingWith("lease table nope-leases does not exist");
  }

  @Test
  void aTableThatWouldDeleteLeaseItemsByTimeToLiveIsRefused() {
    FakeDynamoDb ddb = new FakeDynamoDb().createTable(TABLE).enableTimeToLive(TABLE, "expiresAt");
    assertThatThrownBy(() -> LeaseStore.builder().dynamoDb(ddb).table(TABLE).build())
        .isInstanceOf(LeaseException.class)
        .hasMessageContaining(
            "lease table test-leases has time to live ENABLED on attribute expiresAt")
        .hasMessageContaining("restarting their fence counters");
    FakeDynamoDb other = new FakeDynamoDb().createTable(TABLE).enableTimeToLive(TABLE, "purgeAt");
    LeaseStore.builder().dynamoDb(other).table(TABLE).build();
  }

  @Test
  void dynamoDbFailuresNameTheTableTheLeaseAndTheOwner() {
    LeaseStore a = world.contender(LeaseWorld.wall());
    world.dynamoDb.failNextUpdates(1);
    assertThatThrownBy(() -> a.acquire(LANE, "a"))
        .isInstanceOf(LeaseException.class)
        .hasMessageContaining(
            "DynamoDB failed acquire of lease lane#0001 by a in lease table test-leases")
        .hasMessageContaining("connection refused");
  }

  @Test
  void idsAreWrittenOneWayAndValidated() {
    assertThat(LeaseStore.laneLeaseId(new Lane(42))).isEqualTo("lane#0042");
    assertThat(LeaseStore.leaderLeaseId("nightly")).isEqualTo("leader#nightly");
    LeaseStore a = world.contender(LeaseWorld.wall());
    assertThatThrownBy(() -> a.acquire(LANE, " ")).hasMessageContaining("owner must be 1 to 512");
    assertThatThrownBy(() -> a.acquire(null, "a")).hasMessageContaining("lease id must be");
    assertThatThrownBy(() -> LeaseStore.builder().table(TABLE).build())
        .hasMessage("invalid LeaseStore setting dynamoDb: null");
  }
}
