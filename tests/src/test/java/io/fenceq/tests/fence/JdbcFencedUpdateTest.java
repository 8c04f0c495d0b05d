package io.fenceq.tests.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.fence.FencedWriteException;
import io.fenceq.fence.JdbcFencedUpdate;
import io.fenceq.tests.support.H2Database;
import io.fenceq.trace.FenceqTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fence and seq rule for SQL rows, run by a real SQL engine (H2, PostgreSQL mode). */
class JdbcFencedUpdateTest {
  private H2Database db;
  private Connection connection;

  @BeforeEach
  void setUp() throws SQLException {
    db = new H2Database().withAccounts();
    db.execute("INSERT INTO accounts (id, balance) VALUES ('acct-1', 0)");
    connection = db.connect();
  }

  @AfterEach
  void tearDown() throws SQLException {
    connection.close();
  }

  private static JdbcFencedUpdate deposit(long amount) {
    return JdbcFencedUpdate.table("accounts")
        .set("balance = balance + ?", amount)
        .where("id = ?", "acct-1");
  }

  private FenceResult deposit(long amount, long fence, String seq) throws SQLException {
    return deposit(amount).execute(connection, new FenceToken(fence, seq));
  }

  private Object[] row(String id) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement("SELECT balance, fence, seq FROM accounts WHERE id = ?")) {
      st.setString(1, id);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new Object[] {rs.getLong(1), rs.getLong(2), rs.getBigDecimal(3).toPlainString()};
      }
    }
  }

  @Test
  void eachFencedWriteIsASpanUnderTheCallersWithItsFenceSeqAndResult() throws SQLException {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    GlobalOpenTelemetry.resetForTest();
    GlobalOpenTelemetry.set(sdk);
    try {
      Span job = sdk.getTracer("test").spanBuilder("job").startSpan();
      try (Scope ignored = job.makeCurrent()) {
        deposit(10, 3, "100");
        deposit(10, 2, "101");
      } finally {
        job.end();
      }
      List<SpanData> writes =
          spans.getFinishedSpanItems().stream()
              .filter(s -> s.getName().equals(FenceqTracing.FENCED_WRITE_SPAN))
              .toList();
      assertThat(writes).hasSize(2);
      assertThat(writes)
          .allSatisfy(
              w -> {
                assertThat(w.getParentSpanId()).isEqualTo(job.getSpanContext().getSpanId());
                assertThat(w.getAttributes().get(FenceqTracing.DB_COLLECTION))
                    .isEqualTo("accounts");
              });
      assertThat(writes.get(0).getAttributes().get(FenceqTracing.FENCE)).isEqualTo(3L);
      assertThat(writes.get(0).getAttributes().get(FenceqTracing.RESULT)).isEqualTo("APPLIED");
      assertThat(writes.get(1).getAttributes().get(FenceqTracing.SEQ)).isEqualTo("101");
      assertThat(writes.get(1).getAttributes().get(FenceqTracing.RESULT)).isEqualTo("FENCED");
    } finally {
      GlobalOpenTelemetry.resetForTest();
      sdk.close();
    }
  }

  @Test
  void anExistingRowWithTheDefaultsTakesTheFirstFencedWrite() throws SQLException {
    assertThat(deposit(10, 3, "100")).isEqualTo(FenceResult.APPLIED);
    assertThat(row("acct-1")).containsExactly(10L, 3L, "100");
  }

  @Test
  void theFirstJobOfAQueueWhoseSequenceStartsAtZeroIsApplied() throws SQLException {
    // ElasticMQ numbers a queue's first message 0; a default of 0 would call it a duplicate.
    assertThat(deposit(10, 1, "0")).isEqualTo(FenceResult.APPLIED);
    assertThat(row("acct-1")).containsExactly(10L, 1L, "0");
    assertThat(deposit(10, 1, "0")).isEqualTo(FenceResult.DUPLICATE);
  }

  @Test
  void aRedeliveredJobIsADuplicateAndAnOlderFenceIsFenced() throws SQLException {
    deposit(10, 3, "100");
    assertThat(deposit(10, 3, "100")).isEqualTo(FenceResult.DUPLICATE);
    assertThat(deposit(10, 3, "42")).isEqualTo(FenceResult.DUPLICATE);
    assertThat(deposit(5, 2, "101")).isEqualTo(FenceResult.FENCED);
    assertThat(deposit(5, 2, "100"))
        .as("older fence and an already applied seq: still fenced, never a success")
        .isEqualTo(FenceResult.FENCED);
    assertThat(row("acct-1")).containsExactly(10L, 3L, "100");
  }

  @Test
  void theSameOrANewerFenceWithALaterSeqIsApplied() throws SQLException {
    deposit(10, 3, "100");
    assertThat(deposit(1, 3, "101")).isEqualTo(FenceResult.APPLIED);
    assertThat(deposit(1, 4, "102")).isEqualTo(FenceResult.APPLIED);
    assertThat(deposit(1, 5, "102")).isEqualTo(FenceResult.DUPLICATE);
    assertThat(row("acct-1")).containsExactly(12L, 4L, "102");
  }

  @Test
  void sequenceNumbersBeyondALongAreStoredAndComparedExactly() throws SQLException {
    assertThat(deposit(1, 1, "18446744073709551616")).isEqualTo(FenceResult.APPLIED);
    assertThat(deposit(1, 1, "9")).isEqualTo(FenceResult.DUPLICATE);
    String big = "9".repeat(37) + "8";
    assertThat(deposit(1, 1, big)).isEqualTo(FenceResult.APPLIED);
    assertThat(deposit(1, 1, big)).isEqualTo(FenceResult.DUPLICATE);
    assertThat(deposit(1, 1, "9".repeat(38))).isEqualTo(FenceResult.APPLIED);
    assertThat(row("acct-1")).containsExactly(3L, 1L, "9".repeat(38));
  }

  @Test
  void aMissingRowIsAnErrorUnlessTheFirstWriteMayInsertIt() throws SQLException {
    JdbcFencedUpdate open =
        JdbcFencedUpdate.table("accounts")
            .set("balance = balance + ?", 7)
            .where("id = ?", "acct-2");
    assertThatThrownBy(() -> open.execute(connection, new FenceToken(2, "50")))
        .isInstanceOf(FencedWriteException.class)
        .hasMessageContaining("fenced update of accounts where id = ? [acct-2] with fence=2 seq=50")
        .hasMessageContaining("found no row");

    JdbcFencedUpdate create = open.insertIfMissing("id, balance", "?, ?", "acct-2", 7);
    assertThat(create.execute(connection, new FenceToken(2, "50"))).isEqualTo(FenceResult.APPLIED);
    assertThat(row("acct-2")).containsExactly(7L, 2L, "50");
    assertThat(create.execute(connection, new FenceToken(2, "50")))
        .isEqualTo(FenceResult.DUPLICATE);
    assertThat(create.execute(connection, new FenceToken(1, "51"))).isEqualTo(FenceResult.FENCED);
    assertThat(create.execute(connection, new FenceToken(2, "51"))).isEqualTo(FenceResult.APPLIED);
    assertThat(row("acct-2")).containsExactly(14L, 2L, "51");
  }

  @Test
  void aConcurrentInsertOfTheSameRowIsDecidedByTheFencedUpdate() throws SQLException {
    connection.setAutoCommit(false);
    JdbcFencedUpdate create =
        JdbcFencedUpdate.table("accounts")
            .set("balance = balance + ?", 7)
            .where("id = ?", "acct-3")
            .insertIfMissing("id, balance", "?, ?", "acct-3", 7);
    // Another writer, with an older fence, inserts the row just before our insert.
    Connection racing =
        insertFirst(connection, "INSERT INTO accounts VALUES ('acct-3', 100, 1, 40)");
    assertThat(create.execute(racing, new FenceToken(2, "50"))).isEqualTo(FenceResult.APPLIED);
    connection.commit();
    assertThat(row("acct-3")).containsExactly(107L, 2L, "50");

    // The same race against a newer fence: ours is fenced, and the transaction is still usable.
    Connection racingNewer =
        insertFirst(connection, "INSERT INTO accounts VALUES ('acct-4', 100, 9, 40)");
    JdbcFencedUpdate createOther =
        JdbcFencedUpdate.table("accounts")
            .set("balance = balance + ?", 7)
            .where("id = ?", "acct-4")
            .insertIfMissing("id, balance", "?, ?", "acct-4", 7);
    assertThat(createOther.execute(racingNewer, new FenceToken(2, "50")))
        .isEqualTo(FenceResult.FENCED);
    assertThat(deposit(1, 3, "100")).isEqualTo(FenceResult.APPLIED);
    connection.commit();
    assertThat(row("acct-4")).containsExactly(100L, 9L, "40");
  }

  @Test
  void neverCommitsTheCallersTransaction() throws SQLException {
    connection.setAutoCommit(false);
    assertThat(deposit(10, 3, "100")).isEqualTo(FenceResult.APPLIED);
    connection.rollback();
    assertThat(row("acct-1")).containsExactly(0L, 0L, "-1");
  }

  @Test
  void refusesRowsAndStatementsItCannotDecide() throws SQLException {
    db.execute(
        "CREATE TABLE loose (id VARCHAR(8), balance BIGINT, fence BIGINT, seq NUMERIC(38,0))");
    db.execute("INSERT INTO loose (id, balance) VALUES ('a', 0)");
    db.execute("INSERT INTO loose VALUES ('b', 0, 0, 0), ('b', 0, 0, 0)");
    FenceToken token = new FenceToken(1, "1");
    assertThatThrownBy(
            () ->
                JdbcFencedUpdate.table("loose")
                    .set("balance = 1")
                    .where("id = ?", "a")
                    .execute(connection, token))
        .isInstanceOf(FencedWriteException.class)
        .hasMessageContaining("NULL fence");
    assertThatThrownBy(
            () ->
                JdbcFencedUpdate.table("loose")
                    .set("balance = 1")
                    .where("id = ?", "b")
                    .execute(connection, token))
        .isInstanceOf(FencedWriteException.class)
        .hasMessageContaining("changed 2 rows");
    assertThatThrownBy(() -> JdbcFencedUpdate.table("accounts").set("fence = 9"))
        .hasMessageContaining("must not set fence or seq");
    assertThatThrownBy(() -> JdbcFencedUpdate.table("accounts; DROP TABLE x"))
        .hasMessageContaining("table must be a plain or schema-qualified SQL name");
  }

  /**
   * A connection on which {@code racingSql} runs, committed, on another connection right before the
   * first INSERT this connection prepares: two writers creating the same row at once.
   */
  private Connection insertFirst(Connection target, String racingSql) {
    AtomicBoolean done = new AtomicBoolean();
    return (Connection)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("prepareStatement")
                  && ((String) args[0]).startsWith("INSERT")
                  && done.compareAndSet(false, true)) {
                db.execute(racingSql);
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void theSeqColumnHoldsMoreThanALong() throws SQLException {
    deposit(1, 1, "123456789012345678901234567890");
    try (PreparedStatement st = connection.prepareStatement("SELECT seq FROM accounts")) {
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        assertThat(rs.getBigDecimal(1)).isEqualTo(new BigDecimal("123456789012345678901234567890"));
      }
    }
  }

  private FenceResult depositBatch(long amount, long fence, String firstSeq, String lastSeq)
      throws SQLException {
    return deposit(amount)
        .executeBatch(connection, new FenceToken(fence, firstSeq), new FenceToken(fence, lastSeq));
  }

  @Test
  void aCoalescedWriteIsAppliedOnceAndRecordsTheLastJobsSeq() throws SQLException {
    deposit(1, 3, "100");

    assertThat(depositBatch(30, 3, "101", "105")).isEqualTo(FenceResult.APPLIED);
    assertThat(row("acct-1")).containsExactly(31L, 3L, "105");
    assertThat(depositBatch(30, 3, "101", "105"))
        .as("the same jobs again")
        .isEqualTo(FenceResult.DUPLICATE);
    assertThat(row("acct-1")).containsExactly(31L, 3L, "105");
  }

  @Test
  void aBatchWhosePrefixWasAppliedIsADuplicateNotApplied() throws SQLException {
    deposit(1, 3, "100");
    depositBatch(10, 3, "101", "102");

    assertThat(depositBatch(20, 3, "102", "104"))
        .as("job 102 is in the row already: nothing written, never a partial APPLIED")
        .isEqualTo(FenceResult.DUPLICATE);
    assertThat(row("acct-1")).containsExactly(11L, 3L, "102");
    assertThat(depositBatch(20, 3, "103", "104")).isEqualTo(FenceResult.APPLIED);
    assertThat(row("acct-1")).containsExactly(31L, 3L, "104");
  }

  @Test
  void aCoalescedWriteUnderAnOlderFenceIsFenced() throws SQLException {
    deposit(1, 5, "100");

    assertThat(depositBatch(10, 4, "101", "103")).isEqualTo(FenceResult.FENCED);
    assertThat(row("acct-1")).containsExactly(1L, 5L, "100");
  }

  @Test
  void aMissingRowIsInsertedWithTheLastJobsSeq() throws SQLException {
    JdbcFencedUpdate open =
        JdbcFencedUpdate.table("accounts")
            .set("balance = balance + ?", 7)
            .where("id = ?", "acct-2")
            .insertIfMissing("id, balance", "?, ?", "acct-2", 7);

    assertThat(open.executeBatch(connection, new FenceToken(2, "200"), new FenceToken(2, "203")))
        .isEqualTo(FenceResult.APPLIED);
    assertThat(row("acct-2")).containsExactly(7L, 2L, "203");
  }

  @Test
  void aCoalescedWriteRefusesTokensOfTwoFencesOrOutOfOrder() {
    assertThatThrownBy(() -> depositBatch(1, 3, "101", "100"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("first job's seq");
    assertThatThrownBy(
            () ->
                deposit(1)
                    .executeBatch(connection, new FenceToken(3, "100"), new FenceToken(4, "101")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one fence");
  }
}
