package io.fenceq.local.demo;

import io.fenceq.local.demo.FinalState.DeadLetter;
import io.fenceq.local.demo.FinalState.SkuItem;
import io.fenceq.local.demo.Workload.PlannedJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks S1-S3 of a run from the final state of DynamoDB and SQS, and from the workers' history
 * when there is one.
 *
 * <ul>
 *   <li>S1, at most once and fenced: no job appears twice in its SKU's journal, no accepted write
 *       carries a lower fence than the one before it, and no job's runs had two writes accepted.
 *   <li>S2, order: each SKU's journal lists its jobs in enqueue order.
 *   <li>Stock: never below zero, stock and reserved add up to the initial stock, and the item is
 *       what applying the journal's jobs once each, in enqueue order, gives; units reserved beyond
 *       that are oversold (a double booking).
 *   <li>S3, no loss: every enqueued job took effect or is in the dead-letter queue with a reason.
 * </ul>
 *
 * <p>Pure: the same inputs give the same result.
 */
public final class Checker {
  /** Violations kept as examples. */
  static final int MAX_EXAMPLES = 10;

  private Checker() {}

  /**
   * @param enqueued the jobs SQS accepted, in enqueue order
   * @param initialStock every SKU's stock before the run
   * @param state the final state
   * @param history every handler run, or an empty list when the workers ran in other processes
   */
  public static CheckResult check(
      List<PlannedJob> enqueued, long initialStock, FinalState state, List<Attempt> history) {
    Map<String, List<PlannedJob>> bySku = new LinkedHashMap<>();
    for (PlannedJob job : enqueued) {
      bySku.computeIfAbsent(job.sku(), k -> new ArrayList<>()).add(job);
    }
    Set<String> dead = new HashSet<>();
    long withoutReason = 0;
    long redriven = 0;
    for (DeadLetter letter : state.deadLetters()) {
      dead.add(letter.jobId());
      if (letter.reason() == null || letter.reason().isBlank()) {
        withoutReason++;
      } else if (letter.isRedriven()) {
        redriven++;
      }
    }
    Counts c = new Counts();
    for (Map.Entry<String, List<PlannedJob>> e : bySku.entrySet()) {
      SkuItem item = state.items().get(e.getKey());
      checkSku(e.getKey(), e.getValue(), item, initialStock, dead, c);
    }
    for (SkuItem item : state.items().values()) {
      if (!bySku.containsKey(item.sku())) {
        checkSku(item.sku(), List.of(), item, initialStock, dead, c);
      }
    }
    long historyDuplicates = historyDuplicates(history, c);
    return new CheckResult(
        enqueued.size(),
        c.applied,
        c.duplicates,
        c.orderViolations,
        c.fenceRegressions,
        c.oversold,
        c.negativeStock,
        c.mismatches,
        c.lost,
        state.deadLetters().size(),
        withoutReason,
        redriven,
        c.appliedThenDead,
        historyDuplicates,
        c.examples);
  }

  private static void checkSku(
      String sku,
      List<PlannedJob> jobs,
      SkuItem item,
      long initialStock,
      Set<String> dead,
      Counts c) {
    List<Integer> journal = item == null ? List.of() : item.journal();
    Map<Integer, PlannedJob> byN = new HashMap<>();
    jobs.forEach(j -> byN.put(j.n(), j));
    Set<Integer> seen = new HashSet<>();
    int highest = -1;
    for (int i = 0; i < journal.size(); i++) {
      int n = journal.get(i);
      if (!seen.add(n)) {
        c.duplicates++;
        c.example(sku + ": job n=" + n + " took effect again at journal position " + i);
        continue;
      }
      if (n < highest) {
        c.orderViolations++;
        c.example(sku + ": job n=" + n + " took effect after job n=" + highest);
      }
      highest = Math.max(highest, n);
      if (!byN.containsKey(n)) {
        c.mismatches++;
        c.example(sku + ": journal lists job n=" + n + ", which was never enqueued");
      }
    }
    if (item != null) {
      List<Long> fences = item.fences();
      for (int i = 1; i < fences.size(); i++) {
        if (fences.get(i) < fences.get(i - 1)) {
          c.fenceRegressions++;
          c.example(
              sku
                  + ": write at journal position "
                  + i
                  + " carried fence "
                  + fences.get(i)
                  + " after fence "
                  + fences.get(i - 1));
        }
      }
    }
    // Replay the jobs that took effect, once each, in enqueue order.
    long stock = initialStock;
    long reserved = 0;
    long rejected = 0;
    for (PlannedJob job : jobs) {
      boolean applied = seen.contains(job.n());
      if (applied) {
        c.applied++;
        if (dead.contains(job.jobId())) {
          c.appliedThenDead++;
        }
        if (stock >= job.qty()) {
          stock -= job.qty();
          reserved += job.qty();
        } else {
          rejected++;
        }
      } else if (!dead.contains(job.jobId())) {
        c.lost++;
        c.example(
            sku + ": job " + job.jobId() + " (n=" + job.n() + ") neither applied nor in the DLQ");
      }
    }
    if (item == null) {
      return;
    }
    if (item.stock() < 0 || item.stock() + item.reserved() != initialStock) {
      c.negativeStock++;
      c.example(
          sku
              + ": stock="
              + item.stock()
              + " reserved="
              + item.reserved()
              + " from an initial stock of "
              + initialStock);
    }
    if (item.reserved() > reserved) {
      c.oversold += item.reserved() - reserved;
      c.example(
          sku
              + ": reserved "
              + item.reserved()
              + " units, the jobs in enqueue order reserve "
              + reserved);
    } else if (item.reserved() != reserved
        || item.stock() != stock
        || item.rejected() != rejected) {
      c.mismatches++;
      c.example(
          sku
              + ": item stock="
              + item.stock()
              + " reserved="
              + item.reserved()
              + " rejected="
              + item.rejected()
              + ", the jobs in enqueue order give stock="
              + stock
              + " reserved="
              + reserved
              + " rejected="
              + rejected);
    }
  }

  private static long historyDuplicates(List<Attempt> history, Counts c) {
    Map<String, Integer> accepted = new HashMap<>();
    long duplicates = 0;
    for (Attempt a : history) {
      if (a.outcome().accepted() && accepted.merge(a.jobId(), 1, Integer::sum) > 1) {
        duplicates++;
        c.example(
            a.sku()
                + ": job "
                + a.jobId()
                + " had a second write accepted, by "
                + a.worker()
                + " at fence "
                + a.fence());
      }
    }
    return duplicates;
  }

  private static final class Counts {
    long applied;
    long duplicates;
    long orderViolations;
    long fenceRegressions;
    long oversold;
    long negativeStock;
    long mismatches;
    long lost;
    long appliedThenDead;
    final List<String> examples = new ArrayList<>();

    void example(String line) {
      if (examples.size() < MAX_EXAMPLES) {
        examples.add(line);
      }
    }
  }
}
