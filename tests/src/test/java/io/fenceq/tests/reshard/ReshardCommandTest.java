package io.fenceq.tests.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.local.cli.FenceqCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code fenceq reshard}: the dry run's prediction and one-line errors for bad input. */
class ReshardCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    var cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void aDryRunPrintsTheFractionOfKeysTheRingMoves() {
    assertThat(run("reshard", "--lanes", "96", "--current-lanes", "64", "--table=", "--dry-run"))
        .isZero();

    assertThat(out.toString().strip())
        .matches(
            "epoch 0 with 64 lanes -> 96 lanes: moves 3\\d\\.\\d\\d% of keys \\(ideal 33\\.33%\\),"
                + " measured on 100000 keys");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void badInputIsOneLineWithTheUsageExitCode() {
    assertThat(run("reshard", "--lanes", "0", "--table=", "--dry-run"))
        .isEqualTo(FenceqCli.EXIT_USAGE);
    assertThat(run("reshard", "--lanes", "64", "--current-lanes", "64", "--table=", "--dry-run"))
        .isEqualTo(FenceqCli.EXIT_USAGE);
    assertThat(run("reshard", "--lanes", "96", "--table=", "--queue-url=x"))
        .isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq reshard: error: --lanes must be 1 to 10000, got 0",
            "fenceq reshard: error: the ring already has 64 lanes (epoch 0 with 64 lanes)",
            "fenceq reshard: error: no lease table: pass --table or set FENCEQ_LEASE_TABLE"
                + " (`fenceq local` prints it)");
  }
}
