package io.fenceq.testing.history;

import io.fenceq.dlq.DeadLetter;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.testing.history.JobHistory.Applied;
import io.fenceq.testing.history.Violation.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The rules {@link JobHistory#check} applies. Pure: the same history gives the same result. */
final class HistoryChecker {
  private HistoryChecker() {}

  static HistoryCheck check(
      List<EnqueueResult> enqueued, List<Applied> applied, List<DeadLetter> deadLetters) {
    Map<String, EnqueueResult> jobs = new LinkedHashMap<>();
    Map<String, Integer> position = new HashMap<>();
    for (EnqueueResult job : enqueued) {
      if (jobs.putIfAbsent(job.jobId(), job) == null) {
        position.put(job.jobId(), position.size());
      }
    }
    List<Applied> inOrder =
        applied.stream()
            .filter(a -> jobs.containsKey(a.jobId()))
            .sorted(Comparator.comparingLong(Applied::order))
            .toList();
    List<Violation> violations = new ArrayList<>();
    appliedTwice(inOrder, jobs, violations);
    outOfOrder(inOrder, jobs, position, violations);
    staleFences(inOrder, jobs, violations);
    Set<String> tookEffect = inOrder.stream().map(Applied::jobId).collect(Collectors.toSet());
    Set<String> dead = new LinkedHashSet<>();
    for (DeadLetter letter : deadLetters) {
      dead.add(letter.jobId());
      if (letter.reason() == null || letter.reason().isBlank()) {
        violations.add(
            new Violation(
                Kind.DEAD_WITHOUT_REASON,
                letter.key().orElse(null),
                letter.jobId(),
                "in the dead-letter queue without the reason it failed"));
      }
    }
    for (EnqueueResult job : jobs.values()) {
      if (!tookEffect.contains(job.jobId()) && !dead.contains(job.jobId())) {
        violations.add(
            new Violation(
                Kind.LOST, job.key(), job.jobId(), "neither applied nor in the dead-letter queue"));
      }
    }
    int deadEnqueued = (int) jobs.keySet().stream().filter(dead::contains).count();
    return new HistoryCheck(jobs.size(), tookEffect.size(), deadEnqueued, violations);
  }

  /** A job whose writes were accepted in two runs took effect twice. */
  private static void appliedTwice(
      List<Applied> inOrder, Map<String, EnqueueResult> jobs, List<Violation> violations) {
    Map<String, Set<JobHistory.Run>> runs = new LinkedHashMap<>();
    for (Applied a : inOrder) {
      if (a.certain()) {
        runs.computeIfAbsent(a.jobId(), j -> new LinkedHashSet<>()).add(a.run());
      }
    }
    runs.forEach(
        (jobId, byRun) -> {
          if (byRun.size() > 1) {
            violations.add(
                new Violation(
                    Kind.APPLIED_TWICE,
                    jobs.get(jobId).key(),
                    jobId,
                    "writes accepted in "
                        + byRun.size()
                        + " runs: "
                        + byRun.stream().map(Object::toString).collect(Collectors.joining(", "))));
          }
        });
  }

  /** Per key, the jobs' first effects must come in enqueue order. */
  private static void outOfOrder(
      List<Applied> inOrder,
      Map<String, EnqueueResult> jobs,
      Map<String, Integer> position,
      List<Violation> violations) {
    Map<String, String> latestByKey = new HashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Applied a : inOrder) {
      if (!seen.add(a.jobId())) {
        continue;
      }
      String key = jobs.get(a.jobId()).key();
      String latest = latestByKey.get(key);
      if (latest != null && position.get(a.jobId()) < position.get(latest)) {
        violations.add(
            new Violation(
                Kind.OUT_OF_ORDER,
                key,
                a.jobId(),
                "applied by " + a.run() + " after job " + latest + ", which was enqueued later"));
      } else {
        latestByKey.put(key, a.jobId());
      }
    }
  }

  /** Per key, no write may be accepted with a fence below one accepted before it. */
  private static void staleFences(
      List<Applied> inOrder, Map<String, EnqueueResult> jobs, List<Violation> violations) {
    Map<String, Applied> highestByKey = new HashMap<>();
    Set<String> reported = new LinkedHashSet<>();
    for (Applied a : inOrder) {
      if (!a.certain()) {
        continue;
      }
      String key = jobs.get(a.jobId()).key();
      Applied highest = highestByKey.get(key);
      if (highest != null && a.run().fence < highest.run().fence) {
        if (reported.add(a.jobId() + "@" + a.run().id)) {
          violations.add(
              new Violation(
                  Kind.STALE_FENCE,
                  key,
                  a.jobId(),
                  "write to "
                      + a.table()
                      + " accepted from "
                      + a.run()
                      + " after job "
                      + highest.jobId()
                      + "'s write with fence "
                      + highest.run().fence
                      + " was accepted"));
        }
      } else {
        highestByKey.put(key, a);
      }
    }
  }
}
