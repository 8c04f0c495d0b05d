package io.fenceq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmptyReceivePauseTest {
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void aBatchSettledSinceTheMarkEndsThePauseAtOnce() throws Exception {
    EmptyReceivePause pause = new EmptyReceivePause(HOUR, HOUR);
    long mark = pause.mark();
    pause.settled();

    assertThat(pause.pause(mark, () -> false)).as("not stopping").isFalse();
  }

  @Test
  void aBatchSettlingDuringThePauseEndsIt() throws Exception {
    EmptyReceivePause pause = new EmptyReceivePause(HOUR, HOUR);
    long mark = pause.mark();
    CompletableFuture<Boolean> paused =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return pause.pause(mark, () -> false);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });

    pause.settled();

    assertThat(paused.get(10, TimeUnit.SECONDS)).isFalse();
  }

  @Test
  void aStopEndsThePause() throws Exception {
    EmptyReceivePause pause = new EmptyReceivePause(HOUR, HOUR);

    assertThat(pause.pause(pause.mark(), () -> true)).isTrue();
  }

  @Test
  void eachEmptyReceiveInARowDoublesTheNextPauseUpToTheMostAndMessagesStartItAgain()
      throws Exception {
    EmptyReceivePause pause = new EmptyReceivePause(Duration.ofMillis(1), Duration.ofMillis(5));
    assertThat(pause.nextPause()).isEqualTo(Duration.ofMillis(1));

    pause.pause(pause.mark(), () -> false);
    assertThat(pause.nextPause()).isEqualTo(Duration.ofMillis(2));
    pause.pause(pause.mark(), () -> false);
    assertThat(pause.nextPause()).isEqualTo(Duration.ofMillis(4));
    pause.pause(pause.mark(), () -> false);
    assertThat(pause.nextPause()).isEqualTo(Duration.ofMillis(5));
    pause.pause(pause.mark(), () -> false);
    assertThat(pause.nextPause()).isEqualTo(Duration.ofMillis(5));

    pause.reset();
    assertThat(pause.nextPause()).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void theDefaultsGoFromTenMillisecondsToHalfASecond() {
    EmptyReceivePause pause = new EmptyReceivePause();

    assertThat(pause.nextPause())
        .isEqualTo(EmptyReceivePause.FIRST)
        .isEqualTo(Duration.ofMillis(10));
    assertThat(EmptyReceivePause.MAX).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void refusesAPauseThatIsNotPositiveOrAMostBelowTheFirst() {
    assertThatThrownBy(() -> new EmptyReceivePause(Duration.ZERO, HOUR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "empty receive pause: first must be positive and max at least first, got"
                + " first=PT0S max=PT1H");
    assertThatThrownBy(() -> new EmptyReceivePause(HOUR, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("first=PT1H max=PT1M");
    assertThatCode(() -> new EmptyReceivePause(HOUR, HOUR)).doesNotThrowAnyException();
  }
}
