package io.fenceq.redis.testing;

import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.fence.JdbcFencedUpdate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** The fenced store of the tests: one H2 in-memory table written by {@link JdbcFencedUpdate}. */
public final class Accounts implements AutoCloseable {

  private final Connection connection;

  public Accounts() throws SQLException {
    connection =
        DriverManager.getConnection(
            "jdbc:h2:mem:" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1");
    try (Statement st = connection.createStatement()) {
      st.execute(
          "CREATE TABLE accounts (id VARCHAR(64) PRIMARY KEY, owner VARCHAR(64),"
              + " fence BIGINT NOT NULL DEFAULT 0, seq NUMERIC(38,0) NOT NULL DEFAULT -1)");
    }
  }

  /** Inserts an account never written under a fence. */
  public Accounts open(String id) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement("INSERT INTO accounts (id) VALUES (?)")) {
      st.setString(1, id);
      st.executeUpdate();
    }
    return this;
  }

  /** The fenced write: {@code owner = who}, under {@code token}. */
  public synchronized FenceResult setOwner(String id, String who, FenceToken token)
      throws SQLException {
    return JdbcFencedUpdate.table("accounts")
        .set("owner = ?", who)
        .where("id = ?", id)
        .execute(connection, token);
  }

  public synchronized String owner(String id) throws SQLException {
    return string("SELECT owner FROM accounts WHERE id = ?", id);
  }

  /** The highest fence the row has accepted: the fence floor of the lock guarding it. */
  public synchronized long fence(String id) throws SQLException {
    return Long.parseLong(string("SELECT fence FROM accounts WHERE id = ?", id));
  }

  private String string(String sql, String id) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      st.setString(1, id);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
