package io.fenceq.tests.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.functions.ConsumerFunction;
import io.fenceq.testing.faults.WorkerJvm;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment package {@code functions/target/fenceq-functions.zip} on its own: a fresh JVM with
 * the zip's class path (classes at the root, {@code lib/*.jar}) and the Lambda runtime's event
 * deserializer constructs {@link ConsumerFunction} from its environment and handles {@code
 * events/consumer-fifo-batch.json} against the embedded emulators, as a Lambda cold start does.
 * Proves the zip carries everything the handler needs, and prints how long that took (the figure in
 * README's "Lambda functions" section): three runs as deployed, three with the SnapStart priming
 * hook run before the first event.
 *
 * <p>The child JVM runs with Lambda's default flags for Java ({@code -XX:+TieredCompilation
 * -XX:TieredStopAtLevel=1}). Figures vary by ±30% on a shared machine; nothing is asserted about
 * them.
 */
class ColdStartTest {
  private static final Pattern LINE =
      Pattern.compile("coldstart init_ms=(\\d+) first_event_ms=(\\d+) total_ms=(\\d+) result=(.*)");

  @TempDir Path dir;

  @Test
  void theZipRunsTheConsumerInAFreshJvm() throws Exception {
    Path zip = LambdaEvents.dir().getParent().resolve("functions/target/fenceq-functions.zip");
    assumeTrue(Files.isRegularFile(zip), "build the functions module first: " + zip);
    String classPath = unpack(zip, dir.resolve("package"));

    List<String> lines = new ArrayList<>();
    for (String mode : List.of("plain", "plain", "plain", "primed", "primed", "primed")) {
      FunctionStack aws = new FunctionStack("coldstart", Map.of());
      aws.inventory.seed(List.of("sku-1", "sku-2", "sku-3"), 100);
      ObjectNode event = aws.delivered(LambdaEvents.tree("consumer-fifo-batch.json"));
      Path eventFile = dir.resolve("event-" + lines.size() + ".json");
      Files.writeString(eventFile, event.toString());

      Matcher m = run(classPath, aws.environment(), eventFile, mode);

      // The failed lane's two messages are reported; the other lanes ran from the zip alone.
      assertThat(m.group(4)).contains(messageId(event, "order-1005:reserve"));
      assertThat(aws.stock("sku-3").stock()).isEqualTo(95);
      lines.add(
          String.format(
              "%-6s JVM start to handler constructed %5s ms, first event %5s ms, JVM start to"
                  + " answer %5s ms",
              mode, m.group(1), m.group(2), m.group(3)));
    }
    String report = String.join(System.lineSeparator(), lines);
    System.out.println("ConsumerFunction cold start from fenceq-functions.zip:\n" + report);
    Files.writeString(
        LambdaEvents.dir().getParent().resolve("tests/target/coldstart.txt"), report + "\n");
  }

  private Matcher run(String classPath, Map<String, String> env, Path event, String mode)
      throws IOException, InterruptedException {
    // WorkerJvm is fenceq's one launcher of JVMs; here it runs the probe on the zip's class path.
    try (WorkerJvm probe =
        WorkerJvm.builder()
            .name("probe-" + mode)
            .environment(env)
            .classPath(classPath)
            .jvmOptions(List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xmx512m"))
            .main(
                ColdStartProbe.class.getName(),
                List.of(ConsumerFunction.class.getName(), event.toString(), mode))
            .outputDirectory(dir)
            .start()) {
      int status = probe.awaitExit(Duration.ofSeconds(120));
      String output = probe.output();
      assertThat(status).as(output).isZero();
      return output
          .lines()
          .map(LINE::matcher)
          .filter(Matcher::matches)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no coldstart line in: " + output));
    }
  }

  /**
   * Unpacks the zip and returns the class path Lambda would use: the root, then every jar of {@code
   * lib/}; then the runtime's deserializer and the probe, which Lambda's runtime provides.
   */
  private static String unpack(Path zip, Path into) throws IOException, URISyntaxException {
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream entries = new ZipInputStream(in)) {
      for (ZipEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
        Path target = into.resolve(e.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("zip entry outside the package: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(entries, target);
        }
      }
    }
    List<String> path = new ArrayList<>();
    path.add(into.toString());
    try (Stream<Path> jars = Files.list(into.resolve("lib"))) {
      jars.sorted(Comparator.naturalOrder()).forEach(j -> path.add(j.toString()));
    }
    path.add(codeSource(LambdaEventSerializers.class));
    path.add(codeSource(ColdStartProbe.class));
    return String.join(File.pathSeparator, path);
  }

  private static String codeSource(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  private static String messageId(JsonNode event, String jobId) {
    for (JsonNode r : event.get("Records")) {
      if (r.at("/attributes/MessageDeduplicationId").asText().equals(jobId)) {
        return r.get("messageId").asText();
      }
    }
    throw new AssertionError("no record of " + jobId);
  }
}
