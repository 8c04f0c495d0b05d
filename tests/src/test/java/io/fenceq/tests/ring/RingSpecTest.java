package io.fenceq.tests.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.ring.HashRing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring as the docs give it to producers in other languages: docs/ring.md's Python reference
 * implementation passes the golden vectors, and every key-to-lane example in the docs is what the
 * ring says.
 */
class RingSpecTest {
  private static final Path RING_DOC = Path.of("..", "docs", "ring.md");
  private static final Path README = Path.of("..", "README.md");
  private static final Path GOLDEN =
      Path.of("..", "ring", "src", "test", "resources", "io", "fenceq", "ring", "golden-lanes.csv");

  /** Runs the Python block with the golden keys, on the 16- and 256-lane rings. */
  private static final String CHECK =
      """

      import sys
      rings = {16: Ring(16), 256: Ring(256)}
      for line in open(sys.argv[1], encoding="utf-8"):
          if not line.strip() or line.startswith("#"):
              continue
          key_hex = line.split(",")[0]
          print(",".join(str(rings[n].lane_index(bytes.fromhex(key_hex))) for n in (16, 256)))
      """;

  @Test
  void thePythonReferencePassesTheGoldenVectors(@TempDir Path dir) throws Exception {
    String doc = Files.readString(RING_DOC);
    Matcher block = Pattern.compile("```python\n(.*?)```", Pattern.DOTALL).matcher(doc);
    assertThat(block.find()).as("a ```python block in %s", RING_DOC).isTrue();
    Path script = dir.resolve("ring_check.py");
    Files.writeString(script, block.group(1) + CHECK);

    Process python =
        new ProcessBuilder("python3", script.toString(), GOLDEN.toString())
            .redirectErrorStream(true)
            .start();
    boolean ended = python.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      python.destroyForcibly();
    }
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(ended).as("python3 ended").isTrue();
    assertThat(python.exitValue()).as("python3 exit; output:%n%s", output).isZero();

    List<String> expected = new ArrayList<>();
    for (String line : Files.readAllLines(GOLDEN)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split(",", 5);
      expected.add(fields[1] + "," + fields[2]);
    }
    assertThat(expected).hasSizeGreaterThanOrEqualTo(60);
    assertThat(output.lines().toList()).containsExactlyElementsOf(expected);
  }

  @Test
  void everyKeyToLaneExampleInTheDocsIsWhatTheRingSays() throws IOException {
    HashRing ring = HashRing.of(256);
    List<String[]> examples = new ArrayList<>();
    // `fenceq enqueue` lines in the README: key=sku-42 lane=lane-0191
    Matcher enqueued =
        Pattern.compile("key=(\\S+) lane=(lane-\\d{4})").matcher(Files.readString(README));
    while (enqueued.find()) {
      examples.add(new String[] {"README.md", enqueued.group(1), enqueued.group(2)});
    }
    // `fenceq ring lane` output in docs/ring.md: the key, a tab, the lane.
    Matcher printed =
        Pattern.compile("(?m)^(\\S+)\\t(lane-\\d{4})$").matcher(Files.readString(RING_DOC));
    while (printed.find()) {
      examples.add(new String[] {"docs/ring.md", printed.group(1), printed.group(2)});
    }
    Matcher python =
        Pattern.compile("ring\\.lane\\(\"([^\"]+)\"\\)\\s+# '(lane-\\d{4})'")
            .matcher(Files.readString(RING_DOC));
    while (python.find()) {
      examples.add(new String[] {"docs/ring.md", python.group(1), python.group(2)});
    }

    assertThat(examples)
        .extracting(e -> e[0] + " " + e[1])
        .contains("README.md sku-42", "docs/ring.md sku-42", "docs/ring.md order-1");
    for (String[] e : examples) {
      assertThat(ring.laneFor(e[1]).id()).as("the lane of %s in %s", e[1], e[0]).isEqualTo(e[2]);
    }
  }
}
