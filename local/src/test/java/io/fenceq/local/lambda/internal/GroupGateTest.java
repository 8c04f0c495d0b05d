package io.fenceq.local.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GroupGateTest {
  private final GroupGate gate = new GroupGate();

  @Test
  void aHeldGroupIsNotTakenTwice() {
    assertThat(gate.tryAcquire(List.of("a", "b"))).isTrue();

    assertThat(gate.tryAcquire(List.of("b"))).isFalse();
    assertThat(gate.tryAcquire(List.of("c"))).isTrue();
    assertThat(gate.held()).containsExactlyInAnyOrder("a", "b", "c");
  }

  @Test
  void aBatchTakesAllItsGroupsOrNone() {
    gate.tryAcquire(List.of("b"));

    assertThat(gate.tryAcquire(List.of("a", "b"))).isFalse();
    assertThat(gate.held()).containsExactly("b");
  }

  @Test
  void aReleasedGroupCanBeTakenAgain() {
    gate.tryAcquire(List.of("a"));
    gate.release(List.of("a"));

    assertThat(gate.tryAcquire(List.of("a"))).isTrue();
  }

  @Test
  void aBatchWithoutGroupsNeverWaits() {
    gate.tryAcquire(List.of("a"));

    assertThat(gate.tryAcquire(List.of())).isTrue();
  }

  @Test
  void acquireWaitsForTheReleaseOfItsGroup() throws Exception {
    gate.tryAcquire(List.of("a"));
    CompletableFuture<Boolean> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return gate.acquire(Set.of("a", "z"), () -> false);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });

    // It cannot finish while "a" is held, however long that is; releasing lets it.
    assertThat(waiting).isNotDone();
    assertThat(gate.held()).containsExactly("a");
    gate.release(List.of("a"));

    assertThat(waiting.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(gate.held()).containsExactlyInAnyOrder("a", "z");
  }

  @Test
  void acquireGivesUpWhenAbandonedAndTakesNothing() throws Exception {
    gate.tryAcquire(List.of("a"));
    AtomicBoolean abandon = new AtomicBoolean();
    CompletableFuture<Boolean> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return gate.acquire(Set.of("a", "z"), abandon::get);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    abandon.set(true);

    assertThat(waiting.get(30, TimeUnit.SECONDS)).isFalse();
    assertThat(gate.held()).containsExactly("a");
  }
}
