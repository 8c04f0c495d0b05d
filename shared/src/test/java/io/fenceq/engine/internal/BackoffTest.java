package io.fenceq.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(15));

  @Test
  void doublesFromTheBaseWithEveryDelivery() {
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(backoff.ceiling(9)).isEqualTo(Duration.ofSeconds(512));
  }

  @Test
  void isMonotoneAndCappedForEveryReceiveCount() {
    Duration previous = Duration.ZERO;
    for (int n = 0; n <= 10_000; n++) {
      Duration ceiling = backoff.ceiling(n);
      assertThat(ceiling).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(backoff.cap());
      previous = ceiling;
    }
    assertThat(backoff.ceiling(10)).isEqualTo(Duration.ofMinutes(15));
    assertThat(backoff.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(15));
  }

  @Test
  void aReceiveCountBelowOneCountsAsTheFirstDelivery() {
    assertThat(backoff.ceiling(0)).isEqualTo(backoff.ceiling(1));
    assertThat(backoff.ceiling(-5)).isEqualTo(backoff.ceiling(1));
  }

  @Test
  void jitterStaysBetweenHalfTheStepAndTheStep() {
    SplittableRandom random = new SplittableRandom(42);
    for (int n = 1; n <= 20; n++) {
      Duration ceiling = backoff.ceiling(n);
      for (int i = 0; i < 200; i++) {
        assertThat(backoff.delay(n, random)).isBetween(ceiling.dividedBy(2), ceiling);
      }
    }
  }

  @Test
  void jitterReachesBothEndsOfItsRange() {
    RandomGenerator lowest = fixed(0);
    RandomGenerator highest = fixed(Long.MAX_VALUE);
    assertThat(backoff.delay(3, lowest)).isEqualTo(Duration.ofSeconds(4));
    assertThat(backoff.delay(3, highest)).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void jitterSpreadsDelaysOut() {
    SplittableRandom random = new SplittableRandom(7);
    long distinct =
        java.util.stream.IntStream.range(0, 50)
            .mapToObj(i -> backoff.delay(5, random))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(40);
  }

  @Test
  void refusesABaseAboveTheCapOrNotPositive() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A generator whose bounded longs are always the bound's lowest or highest value. */
  private static RandomGenerator fixed(long raw) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return raw;
      }

      @Override
      public long nextLong(long bound) {
        return raw == 0 ? 0 : bound - 1;
      }
    };
  }
}
