package io.fenceq.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RingScaleCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    var cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void printsEachStepAndAResultLine() {
    assertThat(run("ring", "--scale", "4,5,8,7,3", "--keys", "2000", "--vnodes", "64")).isZero();

    assertThat(out.toString())
        .contains("4 -> 5", "scale out: +worker-5", "8 -> 7", "crash: -worker-4", "7 -> 3");
    String result =
        out.toString().lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow();
    assertThat(result)
        .startsWith("RESULT scale=4,5,8,7,3 keys=2000 ring_moved=")
        .contains("ideal_moved=0.2000,0.3750,0.1250,0.5714", "bounded_max_over_mean=");
  }

  @Test
  void aBadSequenceIsOneLineAndNothingElse() {
    assertThat(run("ring", "--scale", "4,x")).isEqualTo(FenceqCli.EXIT_USAGE);
    assertThat(run("ring", "--scale", "4")).isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq ring: error: --scale must be pool sizes separated by commas, e.g. 4,5,8,7,3,"
                + " got \"4,x\"",
            "fenceq ring: error: a scale sequence needs at least two sizes, got [4]");
  }
}
