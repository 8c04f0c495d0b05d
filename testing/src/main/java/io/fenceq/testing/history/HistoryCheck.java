package io.fenceq.testing.history;

import io.fenceq.testing.history.Violation.Kind;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link JobHistory#check} found.
 *
 * @param jobs the jobs recorded as enqueued
 * @param applied of them, the jobs that took effect (certainly, or possibly after a failure without
 *     an answer)
 * @param deadLettered the jobs in the dead-letter queue
 * @param violations every breach found, in the order found
 */
public record HistoryCheck(int jobs, int applied, int deadLettered, List<Violation> violations) {
  /** Violations listed in a failure message; the count says how many more there are. */
  static final int MAX_LISTED = 20;

  public HistoryCheck {
    violations = List.copyOf(violations);
  }

  /** True when nothing was broken. */
  public boolean clean() {
    return violations.isEmpty();
  }

  /** The violations of one kind. */
  public List<Violation> violations(Kind kind) {
    return violations.stream().filter(v -> v.kind() == kind).toList();
  }

  /** The ids of the jobs involved in violations of {@code kind}, in the order found. */
  public List<String> jobIds(Kind kind) {
    return violations(kind).stream().map(Violation::jobId).distinct().toList();
  }

  /**
   * Fails with an {@link AssertionError} listing the violations (the first {@value #MAX_LISTED})
   * and the offending job ids, when there are any.
   */
  public HistoryCheck assertClean() {
    if (!clean()) {
      throw new AssertionError(describe());
    }
    return this;
  }

  /** A summary line, then one line per violation listed. */
  public String describe() {
    StringBuilder text = new StringBuilder(summary());
    violations.stream().limit(MAX_LISTED).forEach(v -> text.append("\n  ").append(v));
    if (violations.size() > MAX_LISTED) {
      text.append("\n  ... and ").append(violations.size() - MAX_LISTED).append(" more");
    }
    return text.toString();
  }

  private String summary() {
    String counts =
        jobs + " jobs enqueued, " + applied + " applied, " + deadLettered + " dead-lettered";
    if (clean()) {
      return "history clean: " + counts;
    }
    String byKind =
        violations.stream()
            .collect(Collectors.groupingBy(Violation::kind, Collectors.counting()))
            .entrySet()
            .stream()
            .sorted(java.util.Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
    return "history broken (" + byKind + "): " + counts;
  }

  @Override
  public String toString() {
    return describe();
  }
}
