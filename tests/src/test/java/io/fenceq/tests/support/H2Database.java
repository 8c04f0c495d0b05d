package io.fenceq.tests.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh in-process H2 database in PostgreSQL mode. PostgreSQL itself cannot run in-process on
 * these machines (its initdb refuses to run as root), so H2 stands in as the real SQL engine that
 * executes the fenced updates; the SQL used is plain and runs on PostgreSQL unchanged.
 */
public final class H2Database {
  private final String url =
      "jdbc:h2:mem:fence-"
          + UUID.randomUUID()
          + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1";

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, "sa", "");
  }

  /** An accounts table set up for fencing: fence NOT NULL DEFAULT 0, seq NOT NULL DEFAULT -1. */
  public H2Database withAccounts() throws SQLException {
    return execute(
        "CREATE TABLE accounts (id VARCHAR(64) PRIMARY KEY, balance BIGINT NOT NULL,"
            + " fence BIGINT NOT NULL DEFAULT 0, seq NUMERIC(38,0) NOT NULL DEFAULT -1)");
  }

  public H2Database execute(String sql) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
    return this;
  }
}
