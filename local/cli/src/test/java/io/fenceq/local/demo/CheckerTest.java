package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.local.demo.Attempt.Outcome;
import io.fenceq.local.demo.FinalState.DeadLetter;
import io.fenceq.local.demo.FinalState.SkuItem;
import io.fenceq.local.demo.Workload.PlannedJob;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checker on hand-made final states: a correct run passes, and each kind of broken run is
 * reported as the violation it is.
 */
class CheckerTest {
  private static final long STOCK = 3;

  /** sku-a: reserve 2, reserve 2 (refused: 1 left), reserve 1. */
  private static final List<PlannedJob> JOBS =
      List.of(
          new PlannedJob(0, "sku-a", 0, 2),
          new PlannedJob(1, "sku-a", 1, 2),
          new PlannedJob(2, "sku-a", 2, 1));

  @Test
  void aCorrectRunPasses() {
    CheckResult r =
        check(item(0, 3, 1, List.of(0, 1, 2), List.of(1L, 1L, 2L)), List.of(), List.of());

    assertThat(r.ok()).as("%s", r).isTrue();
    assertThat(r.applied()).isEqualTo(3);
  }

  @Test
  void aJobAppliedTwiceIsADuplicateAndAnOversell() {
    // A zombie's late write of job 0 after job 1 was refused and job 2 applied: 2 more units gone.
    CheckResult r =
        check(item(-2, 5, 1, List.of(0, 1, 2, 0), List.of(2L, 2L, 2L, 1L)), List.of(), List.of());

    assertThat(r.duplicates()).isEqualTo(1);
    assertThat(r.fenceRegressions()).isEqualTo(1);
    assertThat(r.oversold()).isEqualTo(2);
    assertThat(r.negativeStock()).isEqualTo(1);
    assertThat(r.ok()).isFalse();
  }

  @Test
  void aJobAppliedOutOfOrderIsAnOrderViolation() {
    // Job 1 ran before job 0: it took 2 units, then job 0 took the last... and job 2 was refused.
    CheckResult r =
        check(item(1, 2, 1, List.of(1, 0, 2), List.of(1L, 1L, 1L)), List.of(), List.of());

    assertThat(r.orderViolations()).isEqualTo(1);
    assertThat(r.ok()).isFalse();
  }

  @Test
  void aJobNeitherAppliedNorDeadLetteredIsLost() {
    CheckResult r = check(item(1, 2, 1, List.of(0, 1), List.of(1L, 1L)), List.of(), List.of());

    assertThat(r.lost()).isEqualTo(1);
    assertThat(r.examples()).anyMatch(e -> e.contains("demo-2"));
  }

  @Test
  void aRedrivenJobInTheDeadLetterQueueIsNotLost() {
    CheckResult r =
        check(
            item(1, 2, 1, List.of(0, 1), List.of(1L, 1L)),
            List.of(new DeadLetter("demo-2", "sku-a", DeadLetter.redriven(50))),
            List.of());

    assertThat(r.ok()).as("%s", r).isTrue();
    assertThat(r.dlq()).isEqualTo(1);
    assertThat(r.dlqRedriven()).isEqualTo(1);
  }

  @Test
  void theWorkersHistoryCatchesASecondAcceptedWrite() {
    Attempt first = new Attempt("w1", "sku-a", "demo-0", 0, 1, "1", Outcome.APPLIED, 0, 1);
    Attempt zombie = new Attempt("w2", "sku-a", "demo-0", 0, 1, "1", Outcome.APPLIED, 0, 2);

    CheckResult r =
        check(
            item(0, 3, 1, List.of(0, 1, 2), List.of(1L, 1L, 2L)),
            List.of(),
            List.of(first, zombie));

    assertThat(r.historyDuplicates()).isEqualTo(1);
    assertThat(r.ok()).isFalse();
  }

  @Test
  void itemsThatDisagreeWithTheJournalAreMismatches() {
    // The journal says all three took effect, but the item shows only job 0's reservation.
    CheckResult r =
        check(item(1, 2, 0, List.of(0, 1, 2), List.of(1L, 1L, 1L)), List.of(), List.of());

    assertThat(r.stateMismatches()).isEqualTo(1);
  }

  private static SkuItem item(
      long stock, long reserved, long rejected, List<Integer> journal, List<Long> fences) {
    return new SkuItem("sku-a", stock, reserved, rejected, journal, fences);
  }

  private static CheckResult check(SkuItem item, List<DeadLetter> dead, List<Attempt> history) {
    return Checker.check(JOBS, STOCK, new FinalState(Map.of("sku-a", item), dead, 0, 0), history);
  }
}
