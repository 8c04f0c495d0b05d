package io.fenceq.local.cli;

import io.fenceq.dlq.DeadLetterSelection;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** Which dead-lettered jobs a redrive or purge acts on: exactly one of the three options. */
final class DlqSelection {
  @Option(
      names = "--job-id",
      split = ",",
      description = "Jobs to act on, by job id (repeatable, or comma-separated).",
      required = true)
  List<String> jobIds;

  @Option(names = "--key", description = "Act on every job of this key.", required = true)
  String key;

  @Option(names = "--all", description = "Act on every job.", required = true)
  boolean all;

  DeadLetterSelection selection() {
    if (jobIds != null && !jobIds.isEmpty()) {
      return DeadLetterSelection.jobIds(new LinkedHashSet<>(jobIds));
    }
    if (key != null) {
      return DeadLetterSelection.key(key);
    }
    return DeadLetterSelection.all();
  }
}
