package io.fenceq.bench.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  @Test
  void printsTheResultLineAndWritesItWithTheParametersAndTables() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Report report = new Report("demo", dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    report.parameter("jobs", 200);
    report.table("Medians", List.of("variant", "jobs/s"), List.of(List.of("raw", "337")));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("ratio", 0.1234);
    fields.put("rate", 1234.5);
    fields.put("target", "met");
    report.result(fields);
    Path file = report.write();

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("RESULT demo ratio=0.123 rate=1235 target=met");
    String md = Files.readString(file);
    assertThat(file.getFileName().toString()).isEqualTo("demo.md");
    assertThat(md)
        .contains("| jobs | 200 |")
        .contains("| JDK | ")
        .contains("| raw | 337 |")
        .contains("RESULT demo ratio=0.123");
  }

  @Test
  void formatsNumbersBySize() {
    assertThat(Report.format(Double.NaN)).isEqualTo("n/a");
    assertThat(Report.format(2.0 / 3)).isEqualTo("0.667");
    assertThat(Report.format(12.345)).isEqualTo("12.35");
    assertThat(Report.format(123.45)).isEqualTo("123");
  }
}
