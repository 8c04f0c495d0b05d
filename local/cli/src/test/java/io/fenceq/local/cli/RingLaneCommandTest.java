package io.fenceq.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.ring.HashRing;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RingLaneCommandTest {
  private final InputStream stdin = System.in;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void restoreStdin() {
    System.setIn(stdin);
  }

  private int run(String input, String... args) {
    if (input != null) {
      System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    }
    var cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    all[0] = "ring";
    all[1] = "lane";
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.execute(all);
  }

  @Test
  void printsEachKeyWithItsLaneOnTheDefaultRing() {
    assertThat(run(null, "sku-42", "sku-7", "ключ-😀")).isZero();

    HashRing ring = HashRing.of(256);
    assertThat(out.toString().lines())
        .containsExactly(
            "sku-42\tlane-0191",
            "sku-7\t" + ring.laneFor("sku-7").id(),
            "ключ-😀\t" + ring.laneFor("ключ-😀").id());
  }

  @Test
  void readsKeysFromStandardInputWithoutKeysOrWithADash() {
    HashRing ring = HashRing.of(16);
    String expected = "a\t" + ring.laneFor("a").id() + "\nb\t" + ring.laneFor("b").id();

    assertThat(run("a\r\nb\n", "--lanes", "16")).isZero();
    assertThat(out.toString().lines()).containsExactlyElementsOf(expected.lines().toList());

    out.getBuffer().setLength(0);
    assertThat(run("a\nb", "--lanes", "16", "-")).isZero();
    assertThat(out.toString().lines()).containsExactlyElementsOf(expected.lines().toList());
  }

  @Test
  void aKeyTheEnqueuerRefusesStopsItBeforeAnythingIsPrinted() {
    assertThat(run("sku-1\n\nsku-2\n")).isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq ring lane: error: line 2: not a key the enqueuer accepts: the key must not be"
                + " empty");
  }

  @Test
  void aLaneCountOutOfRangeIsRefusedInOneLine() {
    assertThat(run(null, "--lanes", "0", "sku-1")).isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(err.toString().lines())
        .containsExactly("fenceq ring lane: error: --lanes must be from 1 to 10000, got 0");
  }
}
