package com.example.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** fenceq's README quotes this application's code as it compiles here, not a copy that drifts. */
class ReadmeQuotesTest {
  private static final Path README = Path.of("..", "..", "README.md");
  private static final Path SOURCE =
      Path.of("src", "main", "java", "com", "example", "inventory", "Reservations.java");
  private static final String MARKER =
      "<!-- quoted from examples/spring-boot/src/main/java/com/example/inventory/Reservations.java"
          + " -->";

  @Test
  void everyQuotedBlockIsInTheSource() throws IOException {
    String source = Files.readString(SOURCE, StandardCharsets.UTF_8);
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int quotes = 0;
    for (int marker = readme.indexOf(MARKER);
        marker >= 0;
        marker = readme.indexOf(MARKER, marker + 1)) {
      int open = readme.indexOf("```java\n", marker) + "```java\n".length();
      String block = readme.substring(open, readme.indexOf("```", open));
      assertThat(source)
          .as("a quoted block of README.md")
          .satisfiesAnyOf(
              s -> assertThat(s).contains(indented(block, 2)),
              s -> assertThat(s).contains(indented(block, 4)));
      quotes++;
    }
    assertThat(quotes).as("README.md quotes Reservations").isEqualTo(2);
  }

  private static String indented(String block, int spaces) {
    String pad = " ".repeat(spaces);
    return block.lines().map(l -> l.isEmpty() ? l : pad + l).reduce("", (a, l) -> a + l + "\n");
  }
}
