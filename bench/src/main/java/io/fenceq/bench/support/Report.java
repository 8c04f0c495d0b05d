package io.fenceq.bench.support;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark's output: progress lines and RESULT lines on standard output, and the same figures
 * as {@code <dir>/<name>.md} with the machine, JDK, date and parameters they were measured with.
 */
public final class Report {
  private final String name;
  private final Path dir;
  private final PrintStream out;
  private final Map<String, Object> parameters = new LinkedHashMap<>();
  private final List<String> sections = new ArrayList<>();
  private final List<String> results = new ArrayList<>();
  private final double loadAtStart = loadAverage();

  public Report(String name, Path dir, PrintStream out) {
    this.name = name;
    this.dir = dir;
    this.out = out;
  }

  public void parameter(String key, Object value) {
    parameters.put(key, value);
  }

  /** A progress line, {@code bench <name>: ...}. */
  public void progress(String format, Object... args) {
    out.println("bench " + name + ": " + String.format(Locale.ROOT, format, args));
    out.flush();
  }

  /** A markdown table for the results file. */
  public void table(String title, List<String> header, List<List<String>> rows) {
    StringBuilder b = new StringBuilder("## ").append(title).append("\n\n");
    b.append("| ").append(String.join(" | ", header)).append(" |\n");
    b.append("|").append("---|".repeat(header.size())).append("\n");
    for (List<String> row : rows) {
      b.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    sections.add(b.toString());
  }

  /** Free text for the results file (markdown). */
  public void note(String title, String text) {
    sections.add("## " + title + "\n\n" + text.strip() + "\n");
  }

  /** A RESULT line: printed now, and kept for the results file. */
  public void result(Map<String, ?> fields) {
    StringBuilder line = new StringBuilder("RESULT ").append(name);
    fields.forEach((k, v) -> line.append(' ').append(k).append('=').append(format(v)));
    results.add(line.toString());
    out.println(line);
    out.flush();
  }

  /** Writes {@code <dir>/<name>.md} and says where. */
  public Path write() {
    StringBuilder b = new StringBuilder();
    b.append("# bench/run ").append(name).append("\n\n");
    b.append("Written by `bench/run ").append(name).append("`; do not edit by hand.\n\n");
    b.append("| | |\n|---|---|\n");
    b.append("| date | ")
        .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_INSTANT))
        .append(" |\n");
    b.append("| machine | ").append(machine()).append(" |\n");
    b.append("| load average (1 min) at start / end | ")
        .append(format(loadAtStart))
        .append(" / ")
        .append(format(loadAverage()))
        .append(" |\n");
    b.append("| JDK | ")
        .append(System.getProperty("java.vm.vendor"))
        .append(' ')
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append(" |\n");
    parameters.forEach(
        (k, v) -> b.append("| ").append(k).append(" | ").append(format(v)).append(" |\n"));
    b.append("\n## RESULT lines\n\n```\n");
    results.forEach(r -> b.append(r).append('\n'));
    b.append("```\n\n");
    sections.forEach(s -> b.append(s).append('\n'));
    Path file = dir.resolve(name + ".md");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    progress("figures written to %s", file);
    return file;
  }

  public static String format(Object v) {
    if (v instanceof Double d) {
      if (d.isNaN()) {
        return "n/a";
      }
      return Math.abs(d) >= 100
          ? String.format(Locale.ROOT, "%.0f", d)
          : Math.abs(d) >= 1
              ? String.format(Locale.ROOT, "%.2f", d)
              : String.format(Locale.ROOT, "%.3f", d);
    }
    return String.valueOf(v);
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .findFirst()
              .orElse(cpu);
    } catch (IOException e) {
      // not Linux: the OS line below still says what it is
    }
    return Runtime.getRuntime().availableProcessors()
        + " cores, "
        + cpu
        + ", "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch")
        + ", max heap "
        + Runtime.getRuntime().maxMemory() / (1024 * 1024)
        + " MiB";
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
