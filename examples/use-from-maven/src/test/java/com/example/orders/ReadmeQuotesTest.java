package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** fenceq's README quotes this project's code as it compiles here, not a copy that drifts. */
class ReadmeQuotesTest {
  private static final Path ROOT = Path.of("..", "..");
  private static final String PREFIX = "<!-- quoted from examples/use-from-maven/";
  private static final String SUFFIX = " -->";

  @Test
  void everyBlockTheReadmeQuotesFromThisProjectIsInItsSource() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int quotes = 0;
    for (int marker = readme.indexOf(PREFIX);
        marker >= 0;
        marker = readme.indexOf(PREFIX, marker + 1)) {
      int end = readme.indexOf(SUFFIX, marker);
      Path source =
          ROOT.resolve(
              "examples/use-from-maven/" + readme.substring(marker + PREFIX.length(), end));
      String code = Files.readString(source, StandardCharsets.UTF_8);
      int open = readme.indexOf("```java\n", end) + "```java\n".length();
      String block = readme.substring(open, readme.indexOf("```", open));
      boolean found = false;
      for (int spaces = 0; spaces <= 4 && !found; spaces += 2) {
        found = code.contains(indented(block, spaces));
      }
      assertTrue(found, "README.md quotes a block that " + source + " does not hold:\n" + block);
      quotes++;
    }
    assertEquals(4, quotes, "blocks README.md quotes from examples/use-from-maven");
  }

  private static String indented(String block, int spaces) {
    String pad = " ".repeat(spaces);
    StringBuilder out = new StringBuilder();
    block.lines().forEach(l -> out.append(l.isEmpty() ? l : pad + l).append('\n'));
    return out.toString();
  }
}
