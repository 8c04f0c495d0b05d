package io.fenceq.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.internal.ShutdownGate.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShutdownGateTest {
  private final ShutdownGate<String> gate = new ShutdownGate<>();
  private final List<String> settled = new ArrayList<>();

  @Test
  void admitsTasksWhileRunning() {
    assertThat(gate.enter("a")).isTrue();
    assertThat(gate.enter("b")).isTrue();
    gate.exit("a");

    assertThat(gate.state()).isEqualTo(State.RUNNING);
    assertThat(gate.active()).isEqualTo(1);
    assertThat(gate.draining()).isFalse();
    assertThat(gate.stopped()).isNotDone();
  }

  @Test
  void beginningWithNothingActiveStopsAtOnce() {
    assertThat(gate.begin()).isTrue();

    assertThat(gate.state()).isEqualTo(State.STOPPED);
    assertThat(gate.stopped()).isCompletedWithValue(List.of());
  }

  @Test
  void drainsUntilTheLastTaskExitsAndAdmitsNothingMeanwhile() {
    gate.enter("a");
    gate.enter("b");

    assertThat(gate.begin()).isTrue();
    assertThat(gate.state()).isEqualTo(State.DRAINING);
    assertThat(gate.enter("c")).isFalse();
    gate.exit("a");
    assertThat(gate.stopped()).isNotDone();
    gate.exit("b");

    assertThat(gate.state()).isEqualTo(State.STOPPED);
    assertThat(gate.stopped()).isCompletedWithValue(List.of());
  }

  @Test
  void beginIsIdempotent() {
    gate.enter("a");
    assertThat(gate.begin()).isTrue();
    assertThat(gate.begin()).isFalse();
    assertThat(gate.state()).isEqualTo(State.DRAINING);
  }

  @Test
  void forcingSettlesTheTasksStillActiveBeforeCompleting() {
    gate.enter("a");
    gate.enter("b");
    gate.begin();
    gate.exit("a");

    gate.forceStop(
        task -> {
          assertThat(gate.stopped()).isNotDone();
          settled.add(task);
        });

    assertThat(settled).containsExactly("b");
    assertThat(gate.state()).isEqualTo(State.STOPPED);
    assertThat(gate.stopped()).isCompletedWithValue(List.of("b"));
    // A task that exits after it was forced changes nothing.
    gate.exit("b");
    assertThat(gate.stopped()).isCompletedWithValue(List.of("b"));
  }

  @Test
  void aDeadlineAfterTheLastExitOrBeforeBeginChangesNothing() {
    gate.enter("a");
    gate.forceStop(settled::add);
    assertThat(gate.state()).isEqualTo(State.RUNNING);

    gate.begin();
    gate.exit("a");
    gate.forceStop(settled::add);

    assertThat(settled).isEmpty();
    assertThat(gate.stopped()).isCompletedWithValue(List.of());
  }

  @Test
  void aSettleThatThrowsStillCompletesTheGate() {
    gate.enter("a");
    gate.begin();
    try {
      gate.forceStop(
          task -> {
            throw new IllegalStateException("boom");
          });
    } catch (IllegalStateException expected) {
      // the gate must not stay open because one task could not be settled
    }
    assertThat(gate.stopped()).isCompletedWithValue(List.of("a"));
  }

  @Test
  void callersCannotCompleteTheGatesFuture() {
    gate.enter("a");
    gate.stopped().complete(List.of("x"));
    assertThat(gate.stopped()).isNotDone();
  }
}
