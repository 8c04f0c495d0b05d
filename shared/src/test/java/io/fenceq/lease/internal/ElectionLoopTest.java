package io.fenceq.lease.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ElectionLoopTest {
  private final ElectionLoop loop =
      new ElectionLoop(
          LoggerFactory.getLogger(ElectionLoopTest.class),
          "leader elector leader#demo",
          "fenceq-leader-demo",
          "lease=leader#demo owner=me",
          Duration.ofHours(1),
          Duration.ofSeconds(10));

  @Test
  void runsRoundsOnANamedDaemonThreadAndClosesOnceWithoutWaitingOutTheRoundsWait()
      throws Exception {
    BlockingQueue<Thread> rounds = new ArrayBlockingQueue<>(10);
    AtomicInteger releases = new AtomicInteger();
    loop.start(
        () -> {
          rounds.add(Thread.currentThread());
          return Duration.ofHours(1);
        },
        () -> {});
    Thread roundThread = rounds.poll(10, TimeUnit.SECONDS);
    assertThat(roundThread).isNotNull();
    assertThat(roundThread.getName()).isEqualTo("fenceq-leader-demo");
    assertThat(roundThread.isDaemon()).isTrue();
    assertThat(loop.isStarted()).isTrue();

    assertThat(loop.close(releases::incrementAndGet)).isTrue();
    assertThat(roundThread.isAlive()).isFalse();
    assertThat(loop.close(releases::incrementAndGet)).isFalse();
    assertThat(releases).hasValue(1);
    assertThat(rounds).isEmpty();
  }

  @Test
  void aRoundThatThrowsIsFollowedByTheNextAfterTheFailureWait() throws Exception {
    ElectionLoop quick =
        new ElectionLoop(
            LoggerFactory.getLogger(ElectionLoopTest.class),
            "e",
            "fenceq-leader-quick",
            "x=y",
            Duration.ZERO,
            Duration.ofSeconds(10));
    CountDownLatch twice = new CountDownLatch(2);
    quick.start(
        () -> {
          twice.countDown();
          throw new IllegalStateException("DynamoDB said no");
        },
        () -> {});
    assertThat(twice.await(10, TimeUnit.SECONDS)).isTrue();
    quick.close(() -> {});
  }

  @Test
  void closeReleasesWithTheInterruptClearedAndGivesItBack() {
    AtomicReference<Boolean> interruptedDuringRelease = new AtomicReference<>();
    Thread.currentThread().interrupt();
    try {
      loop.close(() -> interruptedDuringRelease.set(Thread.currentThread().isInterrupted()));
      assertThat(interruptedDuringRelease.get()).isFalse();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void anInterruptFromAnyoneButCloseReleasesAndEndsTheThread() throws Exception {
    BlockingQueue<Thread> rounds = new ArrayBlockingQueue<>(10);
    CountDownLatch released = new CountDownLatch(1);
    loop.start(
        () -> {
          rounds.add(Thread.currentThread());
          return Duration.ofHours(1);
        },
        released::countDown);
    Thread roundThread = rounds.poll(10, TimeUnit.SECONDS);
    roundThread.interrupt();
    assertThat(released.await(10, TimeUnit.SECONDS)).isTrue();
    roundThread.join(10_000);
    assertThat(roundThread.isAlive()).isFalse();
    loop.close(() -> {});
  }

  @Test
  void refusesASecondStartAndAnyUseAfterCloseNamingTheElector() {
    loop.start(() -> Duration.ofHours(1), () -> {});
    assertThatThrownBy(() -> loop.start(() -> Duration.ZERO, () -> {}))
        .hasMessage("leader elector leader#demo is already started");
    loop.close(() -> {});
    assertThatThrownBy(loop::requireOpen).hasMessage("leader elector leader#demo is closed");
    assertThatThrownBy(() -> loop.start(() -> Duration.ZERO, () -> {}))
        .hasMessage("leader elector leader#demo is closed");
  }
}
