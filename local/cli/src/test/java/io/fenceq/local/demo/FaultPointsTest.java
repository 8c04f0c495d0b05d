package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fenceq.engine.Job;
import io.fenceq.local.demo.FaultPoints.Arrival;
import io.fenceq.local.demo.FaultPoints.Point;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file handshake between the demo and a worker process's handler, in one JVM. */
class FaultPointsTest {
  @TempDir Path directory;

  private static Job job(String sku, int n) {
    return new Job(
        sku,
        "reserve",
        JsonNodeFactory.instance.objectNode().put("n", n).put("qty", 1),
        "job-" + n,
        Instant.EPOCH,
        "m-" + n,
        "1000" + n,
        1);
  }

  @Test
  void anUnarmedWorkerPassesBothPointsAtOnce() {
    FaultPoints points = new FaultPoints(directory);
    Reservations.WriteHooks hooks = points.hooks("w1");

    hooks.beforeWrite("w1", job("sku-1", 0));
    hooks.afterWrite("w1", job("sku-1", 0));

    assertThat(points.arrival("w1")).isEmpty();
    assertThat(points.takePausedJob()).isEmpty();
  }

  @Test
  void anArmedPauseHoldsTheNextWriteUntilReleasedAndRecordsItsOutcome() throws Exception {
    FaultPoints points = new FaultPoints(directory);
    Reservations.WriteHooks hooks = points.hooks("w2");
    points.arm("w2", Point.PAUSE);

    hooks.afterWrite("w2", job("sku-1", 0)); // a crash point does not claim a pause
    assertThat(points.armed("w2")).isTrue();

    CompletableFuture<Integer> write =
        CompletableFuture.supplyAsync(
            () -> {
              hooks.beforeWrite("w2", job("sku-7", 3));
              int n = points.takePausedJob().orElse(-1);
              points.outcome("w2", n, Attempt.Outcome.FENCED);
              return n;
            },
            r -> Thread.ofPlatform().name("test-handler").daemon(true).start(r));
    Arrival at = awaitArrival(points, "w2");

    assertThat(at).isEqualTo(new Arrival(Point.PAUSE, "sku-7", 3));
    assertThat(points.armed("w2")).as("claimed").isFalse();
    assertThat(write).as("waits for the signal").isNotDone();

    points.release("w2");

    assertThat(write.get(60, TimeUnit.SECONDS)).isEqualTo(3);
    assertThat(points.fencedResumes()).isEqualTo(1);
  }

  @Test
  void anArmedCrashStrikesAfterTheWriteNotBefore() throws Exception {
    FaultPoints points = new FaultPoints(directory);
    Reservations.WriteHooks hooks = points.hooks("w3");
    points.arm("w3", Point.CRASH);

    hooks.beforeWrite("w3", job("sku-2", 1));
    assertThat(points.arrival("w3")).isEmpty();

    CompletableFuture<Void> after =
        CompletableFuture.runAsync(
            () -> hooks.afterWrite("w3", job("sku-2", 1)),
            r -> Thread.ofPlatform().name("test-handler").daemon(true).start(r));

    assertThat(awaitArrival(points, "w3")).isEqualTo(new Arrival(Point.CRASH, "sku-2", 1));
    points.release("w3");
    after.get(60, TimeUnit.SECONDS);
  }

  @Test
  void disarmingTakesBackAnUnclaimedFault() {
    FaultPoints points = new FaultPoints(directory);
    points.arm("w4", Point.PAUSE);
    points.disarm("w4");

    points.hooks("w4").beforeWrite("w4", job("sku-3", 0));

    assertThat(points.arrival("w4")).isEmpty();
  }

  private static Arrival awaitArrival(FaultPoints points, String worker)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      var at = points.arrival(worker);
      if (at.isPresent()) {
        return at.get();
      }
      TimeUnit.MILLISECONDS.sleep(5); // polling for the other thread's file
    }
    throw new AssertionError(worker + " never reached its fault point");
  }
}
