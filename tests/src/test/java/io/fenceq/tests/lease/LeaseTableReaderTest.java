package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseException;
import io.fenceq.lease.LeaseSnapshot;
import io.fenceq.lease.LeaseStore;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What {@code fenceq leases} and a console show, read back from DynamoDB Local. */
class LeaseTableReaderTest {
  private final DynamoDbClient dynamoDb = TestAws.get().dynamoDb();

  @Test
  void listsEveryLeaseSortedByIdWithItsHolderFenceExpiryAndRenewals() {
    TestStack stack = TestAws.get().newStack("lease-reader");
    LeaseStore a =
        new Contenders(dynamoDb, stack.leaseTable()).contender(ExpiryMode.WALL_CLOCK_HINT);
    Lease held = (Lease) a.acquire("lane#0002", "worker-a");
    a.renew(held);
    Lease released = (Lease) a.acquire("leader#nightly", "worker-a");
    a.release(released);
    a.acquire("lane#0001", "worker-a");

    var leases = new LeaseTableReader(dynamoDb, stack.leaseTable()).list();

    assertThat(leases)
        .extracting(LeaseSnapshot::id)
        .containsExactly("lane#0001", "lane#0002", "leader#nightly");
    LeaseSnapshot lane2 = leases.get(1);
    assertThat(lane2.owner()).isEqualTo("worker-a");
    assertThat(lane2.held()).isTrue();
    assertThat(lane2.fence()).isEqualTo(1);
    assertThat(lane2.renewals()).isEqualTo(1);
    assertThat(lane2.duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(lane2.expiresAt()).isEqualTo(Contenders.T0.plusSeconds(30));
    assertThat(lane2.expiresIn(Contenders.T0.plusSeconds(10))).isEqualTo(Duration.ofSeconds(20));

    LeaseSnapshot leader = leases.get(2);
    assertThat(leader.held()).isFalse();
    assertThat(leader.owner()).isNull();
    assertThat(leader.fence()).isEqualTo(1);
    assertThat(leader.expiresAt()).isEqualTo(Instant.EPOCH);
    assertThat(leader.expiresIn(Contenders.T0)).isEqualTo(Duration.ZERO);
  }

  @Test
  void anItemWrittenByHandWithoutLeaseAttributesReadsAsAFreeLeaseNeverAcquired() {
    TestStack stack = TestAws.get().newStack("lease-reader");
    dynamoDb.putItem(
        r -> r.tableName(stack.leaseTable()).item(Map.of("id", AttributeValue.fromS("lane#0007"))));

    assertThat(new LeaseTableReader(dynamoDb, stack.leaseTable()).list())
        .containsExactly(new LeaseSnapshot("lane#0007", null, 0, Instant.EPOCH, 0, Duration.ZERO));
  }

  @Test
  void aMissingTableIsALeaseExceptionNamingIt() {
    assertThatThrownBy(() -> new LeaseTableReader(dynamoDb, "no-such-leases").list())
        .isInstanceOf(LeaseException.class)
        .hasMessage("lease table no-such-leases does not exist");
  }
}
