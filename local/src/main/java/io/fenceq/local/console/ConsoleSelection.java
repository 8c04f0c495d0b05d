package io.fenceq.local.console;

import io.fenceq.dlq.DeadLetterSelection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which dead-lettered jobs a console write acts on, from its form: all jobs of one {@code key}, or
 * the jobs named by one or more {@code jobId}. The console never acts on the whole queue at once:
 * {@code fenceq dlq --all} does that.
 */
record ConsoleSelection(DeadLetterSelection selection, String canonical) {

  static ConsoleSelection from(Map<String, List<String>> form) {
    List<String> keys = form.getOrDefault("key", List.of());
    List<String> jobIds = form.getOrDefault("jobId", List.of());
    if (keys.size() == 1 && jobIds.isEmpty() && !keys.get(0).isEmpty()) {
      return new ConsoleSelection(DeadLetterSelection.key(keys.get(0)), "key " + keys.get(0));
    }
    if (keys.isEmpty() && !jobIds.isEmpty() && jobIds.stream().noneMatch(String::isEmpty)) {
      TreeSet<String> sorted = new TreeSet<>(jobIds);
      return new ConsoleSelection(DeadLetterSelection.jobIds(sorted), "jobs " + sorted);
    }
    throw new ConsoleRequestException(
        400, "select by one key=<key> or by one or more jobId=<jobId>, not both or neither");
  }
}
