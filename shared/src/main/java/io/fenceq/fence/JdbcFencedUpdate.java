package io.fenceq.fence;

import io.fenceq.trace.internal.Telemetry;
import io.opentelemetry.api.trace.Span;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fenced update of one SQL row: the same rule as {@link DynamoDbFence}, as
 *
 * <pre>{@code
 * UPDATE accounts SET balance = balance + ?, fence = ?, seq = ?
 *  WHERE (id = ?) AND fence <= ? AND seq < ?
 * }</pre>
 *
 * <p>The table needs two columns, {@code fence BIGINT NOT NULL DEFAULT 0} and {@code seq
 * NUMERIC(38,0) NOT NULL DEFAULT -1}: those defaults mean "never written by a fenced job" (fences
 * start at 1, and sequence numbers at 0 on some SQS-compatible endpoints), so existing rows pass
 * the first fenced update. {@code seq} holds SQS sequence numbers exactly, which do not fit a
 * {@code BIGINT}. {@code fence} holds a job's downstream fence ({@link DownstreamFence}: the lane
 * lease's fence with the ring epoch in front), which a {@code BIGINT} holds whole.
 *
 * <p>When no row changed, the row's fence and seq are read back to tell {@link FenceResult#FENCED}
 * (a newer fence: never a success) from {@link FenceResult#DUPLICATE}. A first write of a row that
 * does not exist yet is an {@code INSERT} carrying the fence and seq, if {@link #insertIfMissing}
 * says how; two writers inserting at once are told apart by the primary key, and the loser retries
 * the fenced update. Without it, a missing row is an error.
 *
 * <p>Runs on the caller's connection and inside its transaction; never commits. If the connection
 * is not in auto-commit mode, the insert runs under a savepoint so that a lost insert race does not
 * abort the transaction. Table, assignments and condition are SQL written by the application, not
 * input: values go in parameters. Immutable; build once, execute many times.
 */
public final class JdbcFencedUpdate {
  /**
   * The row's column with the fence of the last applied write: {@code BIGINT NOT NULL DEFAULT 0}.
   */
  public static final String FENCE_COLUMN = "fence";

  /** The row's column with the last applied seq: {@code NUMERIC(38,0) NOT NULL DEFAULT -1}. */
  public static final String SEQ_COLUMN = "seq";

  /**
   * Added to the row condition of every fenced update. Guarantees, like {@link
   * DynamoDbFence#FENCE_AND_SEQ_CONDITION}, that the row never accepts a fence lower than one it
   * has accepted and applies each job at most once.
   */
  public static final String FENCE_AND_SEQ_WHERE =
      FENCE_COLUMN + " <= ? AND " + SEQ_COLUMN + " < ?";

  private static final Logger log = LoggerFactory.getLogger(JdbcFencedUpdate.class);
  private static final Pattern IDENTIFIER =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)*");
  private static final int MAX_ATTEMPTS = 3;

  private final String table;
  private final String set;
  private final List<Object> setParams;
  private final String where;
  private final List<Object> whereParams;
  private final String insertColumns;
  private final String insertValues;
  private final List<Object> insertParams;

  private JdbcFencedUpdate(
      String table,
      String set,
      List<Object> setParams,
      String where,
      List<Object> whereParams,
      String insertColumns,
      String insertValues,
      List<Object> insertParams) {
    this.table = table;
    this.set = set;
    this.setParams = setParams;
    this.where = where;
    this.whereParams = whereParams;
    this.insertColumns = insertColumns;
    this.insertValues = insertValues;
    this.insertParams = insertParams;
  }

  /**
   * Starts a fenced update of a row of {@code table}.
   *
   * @param table a plain or schema-qualified table name
   */
  public static JdbcFencedUpdate table(String table) {
    if (table == null || !IDENTIFIER.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "table must be a plain or schema-qualified SQL name, got "
              + (table == null ? "null" : '"' + table + '"'));
    }
    return new JdbcFencedUpdate(table, null, List.of(), null, List.of(), null, null, List.of());
  }

  /**
   * The assignments of the update, e.g. {@code "balance = balance + ?"}, and their parameters. They
   * must not assign {@code fence} or {@code seq}.
   */
  public JdbcFencedUpdate set(String assignments, Object... params) {
    requireText(assignments, "set");
    if (Pattern.compile("(?i)(?<![\\w.\"])(" + FENCE_COLUMN + "|" + SEQ_COLUMN + ")\\s*=")
        .matcher(assignments)
        .find()) {
      throw new IllegalArgumentException(
          "the assignments of a fenced update of "
              + table
              + " must not set "
              + FENCE_COLUMN
              + " or "
              + SEQ_COLUMN
              + ", which it sets itself: "
              + assignments);
    }
    return new JdbcFencedUpdate(
        table,
        assignments,
        params(params),
        where,
        whereParams,
        insertColumns,
        insertValues,
        insertParams);
  }

  /** The condition that identifies the one row, e.g. {@code "id = ?"}, and its parameters. */
  public JdbcFencedUpdate where(String rowCondition, Object... params) {
    requireText(rowCondition, "where");
    return new JdbcFencedUpdate(
        table,
        set,
        setParams,
        rowCondition,
        params(params),
        insertColumns,
        insertValues,
        insertParams);
  }

  /**
   * How to create the row when it does not exist: the columns and values of an {@code INSERT}
   * (without {@code fence} and {@code seq}, which are added), e.g. {@code ("id, balance", "?, ?",
   * "acct-1", 10)}. The inserted row is the first write: it carries the fence and seq.
   */
  public JdbcFencedUpdate insertIfMissing(String columns, String values, Object... params) {
    requireText(columns, "insert columns");
    requireText(values, "insert values");
    return new JdbcFencedUpdate(
        table, set, setParams, where, whereParams, columns, values, params(params));
  }

  /**
   * Runs the fenced update on {@code connection}.
   *
   * @return {@link FenceResult#APPLIED}, {@link FenceResult#DUPLICATE} or {@link
   *     FenceResult#FENCED}
   * @throws FencedWriteException if the row is missing (and no insert was given), the condition
   *     matches several rows, or the row's fence or seq is NULL
   * @throws SQLException as the driver throws it
   */
  public FenceResult execute(Connection connection, FenceToken token) throws SQLException {
    if (set == null || where == null) {
      throw new IllegalStateException(
          "a fenced update of " + table + " needs set(...) and where(...) before execute");
    }
    Span span = Telemetry.startFencedWrite("jdbc", table, token.fence(), token.seq());
    try {
      FenceResult result = executeFenced(connection, token);
      Telemetry.endFencedWrite(span, result, null);
      return result;
    } catch (SQLException | RuntimeException e) {
      Telemetry.endFencedWrite(span, null, e);
      throw e;
    }
  }

  /**
   * Runs the update as one fenced write for a key's consecutive jobs, {@code first} to {@code last}
   * (same fence, the first's seq not above the last's), like {@link DynamoDbFence#updateBatch}: the
   * row condition is checked against {@code first}'s seq, so the write is applied only if none of
   * the jobs was, and the row records {@code last}'s seq. The assignments write the jobs' combined
   * effect, as {@link #execute} writes one job's.
   *
   * <p>{@code DUPLICATE} here means the row's seq is at or past the first job's: some or all of the
   * jobs were applied already. Nothing was written; read the row's seq, drop the jobs at or below
   * it, and write the rest. A partly applied batch is never reported as {@code APPLIED}.
   *
   * @return {@link FenceResult#APPLIED} for every job, {@link FenceResult#DUPLICATE} or {@link
   *     FenceResult#FENCED}
   * @throws IllegalArgumentException if the tokens' fences differ or {@code first} is after {@code
   *     last}
   * @throws FencedWriteException as {@link #execute}
   * @throws SQLException as the driver throws it
   */
  public FenceResult executeBatch(Connection connection, FenceToken first, FenceToken last)
      throws SQLException {
    if (first.fence() != last.fence()) {
      throw new IllegalArgumentException(
          "a coalesced write carries one fence, got " + first + " and " + last);
    }
    if (first.seqDecimal().compareTo(last.seqDecimal()) > 0) {
      throw new IllegalArgumentException(
          "the first job's seq must not be after the last's, got " + first + " and " + last);
    }
    if (set == null || where == null) {
      throw new IllegalStateException(
          "a fenced update of " + table + " needs set(...) and where(...) before executeBatch");
    }
    Span span = Telemetry.startFencedWrite("jdbc", table, first.fence(), last.seq());
    try {
      FenceResult result = executeFenced(connection, first, last.seqDecimal());
      Telemetry.endFencedWrite(span, result, null);
      return result;
    } catch (SQLException | RuntimeException e) {
      Telemetry.endFencedWrite(span, null, e);
      throw e;
    }
  }

  private FenceResult executeFenced(Connection connection, FenceToken token) throws SQLException {
    return executeFenced(connection, token, token.seqDecimal());
  }

  /**
   * The fenced write checked against {@code token}'s seq, recording {@code recordedSeq} (the
   * token's own, or a coalesced write's last job's).
   */
  private FenceResult executeFenced(Connection connection, FenceToken token, BigDecimal recordedSeq)
      throws SQLException {
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      int updated = update(connection, token, recordedSeq);
      if (updated == 1) {
        return logged(token, FenceResult.APPLIED);
      }
      if (updated > 1) {
        throw new FencedWriteException(
            describe(token)
                + " changed "
                + updated
                + " rows; the"
                + " condition must identify one row (roll the transaction back)");
      }
      Row row = read(connection, token);
      if (row == null) {
        if (insertColumns == null) {
          throw new FencedWriteException(
              describe(token)
                  + " found no row; insert it first, or give insertIfMissing(...) so that the"
                  + " first write creates it");
        }
        if (insert(connection, token, recordedSeq)) {
          return logged(token, FenceResult.APPLIED);
        }
        continue; // Another writer inserted it first: the fenced update decides.
      }
      if (row.fence.compareTo(BigDecimal.valueOf(token.fence())) > 0) {
        return logged(token, FenceResult.FENCED);
      }
      if (row.seq.compareTo(token.seqDecimal()) >= 0) {
        return logged(token, FenceResult.DUPLICATE);
      }
      // The row appeared between the update and the read: try the update again.
    }
    throw new FencedWriteException(
        describe(token) + " could not be decided after " + MAX_ATTEMPTS + " attempts");
  }

  private int update(Connection connection, FenceToken token, BigDecimal recordedSeq)
      throws SQLException {
    String sql =
        "UPDATE "
            + table
            + " SET "
            + set
            + ", "
            + FENCE_COLUMN
            + " = ?, "
            + SEQ_COLUMN
            + " = ? WHERE ("
            + where
            + ") AND "
            + FENCE_AND_SEQ_WHERE;
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      int i = bind(st, 1, setParams);
      st.setLong(i++, token.fence());
      st.setBigDecimal(i++, recordedSeq);
      i = bind(st, i, whereParams);
      st.setLong(i++, token.fence());
      st.setBigDecimal(i, token.seqDecimal());
      return st.executeUpdate();
    }
  }

  private record Row(BigDecimal fence, BigDecimal seq) {}

  private Row read(Connection connection, FenceToken token) throws SQLException {
    String sql =
        "SELECT " + FENCE_COLUMN + ", " + SEQ_COLUMN + " FROM " + table + " WHERE (" + where + ")";
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      bind(st, 1, whereParams);
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        BigDecimal fence = rs.getBigDecimal(1);
        BigDecimal seq = rs.getBigDecimal(2);
        if (rs.next()) {
          throw new FencedWriteException(
              describe(token) + " matches several rows; the condition must identify one row");
        }
        if (fence == null || seq == null) {
          throw new FencedWriteException(
              describe(token)
                  + " found a row with a NULL "
                  + (fence == null ? FENCE_COLUMN : SEQ_COLUMN)
                  + "; declare fence NOT NULL DEFAULT 0 and seq NOT NULL DEFAULT -1 so that the defaults"
                  + " mean never written");
        }
        return new Row(fence, seq);
      }
    }
  }

  /**
   * @return true if inserted, false if another writer's insert of the same key came first
   */
  private boolean insert(Connection connection, FenceToken token, BigDecimal recordedSeq)
      throws SQLException {
    String sql =
        "INSERT INTO "
            + table
            + " ("
            + insertColumns
            + ", "
            + FENCE_COLUMN
            + ", "
            + SEQ_COLUMN
            + ") VALUES ("
            + insertValues
            + ", ?, ?)";
    Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      int i = bind(st, 1, insertParams);
      st.setLong(i++, token.fence());
      st.setBigDecimal(i, recordedSeq);
      st.executeUpdate();
    } catch (SQLException e) {
      if (!isUniqueViolation(e)) {
        throw e;
      }
      if (savepoint != null) {
        connection.rollback(savepoint);
      }
      return false;
    }
    if (savepoint != null) {
      connection.releaseSavepoint(savepoint);
    }
    return true;
  }

  /** SQLSTATE 23505 (PostgreSQL, H2 and the standard) or 23000 (MySQL, Oracle). */
  private static boolean isUniqueViolation(SQLException e) {
    String state = e.getSQLState();
    return "23505".equals(state) || "23000".equals(state);
  }

  private static int bind(PreparedStatement st, int from, List<Object> params) throws SQLException {
    int i = from;
    for (Object p : params) {
      st.setObject(i++, p);
    }
    return i;
  }

  private FenceResult logged(FenceToken token, FenceResult result) {
    if (result == FenceResult.FENCED) {
      log.warn(
          "event=fenced_write table={} where=\"{}\" params={} fence={} seq={} result={}",
          table,
          where,
          whereParams,
          token.fence(),
          token.seq(),
          result);
    } else {
      log.debug(
          "event=fenced_write table={} where=\"{}\" params={} fence={} seq={} result={}",
          table,
          where,
          whereParams,
          token.fence(),
          token.seq(),
          result);
    }
    return result;
  }

  private String describe(FenceToken token) {
    return "fenced update of " + table + " where " + where + " " + whereParams + " with " + token;
  }

  private static List<Object> params(Object[] params) {
    // Not List.copyOf: a parameter may be null (SQL NULL).
    return params == null
        ? List.of()
        : Collections.unmodifiableList(new ArrayList<>(Arrays.asList(params)));
  }

  private static void requireText(String sql, String what) {
    if (sql == null || sql.isBlank()) {
      throw new IllegalArgumentException(what + " of a fenced update must not be empty");
    }
  }
}
