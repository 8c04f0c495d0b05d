package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.fence.JdbcFencedUpdate;
import io.fenceq.lease.AcquireResult;
import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.LeaseRefusal;
import io.fenceq.lease.LeaseStore;
import io.fenceq.tests.support.H2Database;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Holder A pauses past its lease, B takes over and writes, A wakes up and writes with its old
 * fence: the downstream write is refused as FENCED and the entity shows only B's write. Leases on
 * DynamoDB Local; the entity once as a DynamoDB item, once as an SQL row.
 */
class ZombieWriteTest {
  private static TestStack stack;
  private static DynamoDbClient dynamoDb;
  private static String entities;

  @BeforeAll
  static void provision() {
    stack = TestAws.get().newStack("zombie");
    dynamoDb = TestAws.get().dynamoDb();
    entities = TestAws.get().newEntityTable("zombie");
  }

  /** A holds the lease, pauses past it, and B holds it now; returns {a, b}. */
  private static Lease[] takeOverFromAPausedHolder(
      Contenders contenders, String lease, ExpiryMode mode) {
    LeaseStore a = contenders.contender(mode);
    LeaseStore b = contenders.contender(mode);
    Lease zombie = granted(a.acquire(lease, "a"));
    assertThat(b.acquire(lease, "b")).isInstanceOf(LeaseRefusal.class);
    contenders.advance(Duration.ofSeconds(31)); // a is paused: no renewals
    Lease successor = granted(b.acquire(lease, "b"));
    assertThat(successor.fence()).isGreaterThan(zombie.fence());
    assertThat(a.renew(zombie)).isInstanceOf(LeaseLoss.class);
    return new Lease[] {zombie, successor};
  }

  @ParameterizedTest
  @EnumSource(ExpiryMode.class)
  void dynamoDbEntityRefusesTheZombiesWrite(ExpiryMode mode) {
    Contenders contenders = new Contenders(dynamoDb, stack.leaseTable());
    Lease[] holders = takeOverFromAPausedHolder(contenders, "lane#0101-" + mode, mode);
    DynamoDbFence fence = new DynamoDbFence(dynamoDb);
    Map<String, AttributeValue> key = Map.of("id", AttributeValue.fromS("sku-" + mode));

    assertThat(fence.update(set(key, "written by b"), new FenceToken(holders[1].fence(), "101")))
        .isEqualTo(FenceResult.APPLIED);
    // a wakes up and writes the job it was running before the pause.
    assertThat(fence.update(set(key, "written by a"), new FenceToken(holders[0].fence(), "100")))
        .isEqualTo(FenceResult.FENCED);
    assertThat(fence.update(set(key, "written by a"), new FenceToken(holders[0].fence(), "102")))
        .isEqualTo(FenceResult.FENCED);

    Map<String, AttributeValue> item =
        dynamoDb.getItem(r -> r.tableName(entities).key(key).consistentRead(true)).item();
    assertThat(item.get("value").s()).isEqualTo("written by b");
    assertThat(item.get("fence").n()).isEqualTo(Long.toString(holders[1].fence()));
    assertThat(item.get("seq").n()).isEqualTo("101");
  }

  @ParameterizedTest
  @EnumSource(ExpiryMode.class)
  void sqlRowRefusesTheZombiesWrite(ExpiryMode mode) throws SQLException {
    Contenders contenders = new Contenders(dynamoDb, stack.leaseTable());
    Lease[] holders = takeOverFromAPausedHolder(contenders, "lane#0102-" + mode, mode);
    H2Database db = new H2Database().withAccounts();
    db.execute("INSERT INTO accounts (id, balance) VALUES ('acct-1', 0)");
    JdbcFencedUpdate deposit10 =
        JdbcFencedUpdate.table("accounts")
            .set("balance = balance + ?", 10)
            .where("id = ?", "acct-1");
    JdbcFencedUpdate deposit1000 =
        JdbcFencedUpdate.table("accounts")
            .set("balance = balance + ?", 1000)
            .where("id = ?", "acct-1");

    try (Connection c = db.connect()) {
      assertThat(deposit10.execute(c, new FenceToken(holders[1].fence(), "101")))
          .isEqualTo(FenceResult.APPLIED);
      assertThat(deposit1000.execute(c, new FenceToken(holders[0].fence(), "100")))
          .isEqualTo(FenceResult.FENCED);
      assertThat(deposit1000.execute(c, new FenceToken(holders[0].fence(), "102")))
          .isEqualTo(FenceResult.FENCED);
      try (PreparedStatement st = c.prepareStatement("SELECT balance, fence, seq FROM accounts");
          ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(10);
        assertThat(rs.getLong(2)).isEqualTo(holders[1].fence());
        assertThat(rs.getBigDecimal(3).toPlainString()).isEqualTo("101");
        assertThat(rs.next()).isFalse();
      }
    }
  }

  private static UpdateItemRequest set(Map<String, AttributeValue> key, String value) {
    return UpdateItemRequest.builder()
        .tableName(entities)
        .key(key)
        .updateExpression("SET #v = :v")
        .expressionAttributeNames(Map.of("#v", "value"))
        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)))
        .build();
  }

  private static Lease granted(AcquireResult r) {
    assertThat(r).isInstanceOf(Lease.class);
    return (Lease) r;
  }
}
