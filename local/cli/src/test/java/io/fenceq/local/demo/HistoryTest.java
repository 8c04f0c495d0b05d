package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.local.demo.Attempt.Outcome;
import org.junit.jupiter.api.Test;

class HistoryTest {
  private final History history = new History();

  @Test
  void aJobWhoseAcceptedAnswerWasLostCountsAsTakenEffectWhenItsRetryFindsItApplied() {
    // A 5xx after the write: the run is recorded failed, the retry finds the job applied.
    history.accept(run("job-1", 1, Outcome.FAILED));
    history.accept(run("job-1", 2, Outcome.DUPLICATE));

    assertThat(history.accepted()).isZero();
    assertThat(history.tookEffect()).isEqualTo(1);
  }

  @Test
  void aJobCountsOnceHoweverManyRunsSawItTakeEffect() {
    history.accept(run("job-1", 1, Outcome.APPLIED));
    history.accept(run("job-1", 2, Outcome.DUPLICATE));
    history.accept(run("job-2", 3, Outcome.REJECTED));
    history.accept(run("job-3", 4, Outcome.FENCED));
    history.accept(run("job-4", 5, Outcome.FAILED));

    assertThat(history.tookEffect()).isEqualTo(2);
  }

  private static Attempt run(String jobId, long fence, Outcome outcome) {
    return new Attempt("w1", "sku-1", jobId, 1, fence, "seq-" + fence, outcome, 0, 0);
  }
}
