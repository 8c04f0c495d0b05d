package io.fenceq.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "Testing your handlers" snippet is the example test that CI runs, verbatim. */
class ReadmeQuoteTest {
  private static final Path README = Path.of("..", "README.md");
  private static final String EXAMPLE =
      "examples/use-from-maven/src/test/java/com/example/orders/OrdersHandlerTest.java";
  private static final String MARKER = "<!-- quoted from " + EXAMPLE + " -->";

  @Test
  void theReadmeQuotesTheExampleTest() throws IOException {
    String source = Files.readString(Path.of("..").resolve(EXAMPLE), StandardCharsets.UTF_8);
    String declared = source.substring(source.indexOf("@FenceqLocal\nclass"));
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int marker = readme.indexOf(MARKER);
    assertThat(marker).as("README.md has the marker %s", MARKER).isNotNegative();
    int open = readme.indexOf("```java\n", marker) + "```java\n".length();
    int close = readme.indexOf("```", open);

    assertThat(readme.substring(open, close).strip()).isEqualTo(declared.strip());
  }
}
