package io.fenceq.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventuallyTest {
  @Test
  void returnsOnceTheConditionHolds() {
    AtomicInteger checks = new AtomicInteger();
    assertThatCode(
            () ->
                Eventually.await(
                    "three checks", Duration.ofMinutes(1), () -> checks.incrementAndGet() >= 3))
        .doesNotThrowAnyException();
  }

  @Test
  void failsNamingWhatItWaitedForAndTheLimit() {
    assertThatThrownBy(
            () -> Eventually.await("the moon is blue", Duration.ofMillis(1), () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessage("waited PT0.001S until the moon is blue, but it never held");
  }

  @Test
  void reportsWhatTheConditionLastThrew() {
    IllegalStateException boom = new IllegalStateException("no table yet");
    assertThatThrownBy(
            () ->
                Eventually.await(
                    "the table exists",
                    Duration.ofMillis(1),
                    () -> {
                      throw boom;
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the condition last threw " + boom)
        .hasCause(boom);
  }

  @Test
  void refusesANonPositiveLimit() {
    assertThatThrownBy(() -> Eventually.await("x", Duration.ZERO, () -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be positive, was PT0S");
  }
}
