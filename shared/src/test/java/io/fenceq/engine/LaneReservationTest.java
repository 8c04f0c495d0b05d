package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A polling host reserves room in the engine's own count of lanes in flight before each poll. */
class LaneReservationTest {
  private final EngineFixture world = new EngineFixture();
  private final List<Runnable> waiting = new ArrayList<>();
  private final JobHandlers handlers = JobHandlers.builder().on("reserve", (job, c) -> {}).build();

  private LaneProcessor processor(int maxLanesInFlight) {
    return world.processor(
        handlers, world.config().maxLanesInFlight(maxLanesInFlight).build(), waiting::add);
  }

  @Test
  void reservationsAndLanesInFlightShareOneLimit() throws Exception {
    LaneProcessor processor = processor(2);
    List<String> keys = world.keysInDistinctLanes(2);

    assertThat(processor.reserveLane()).as("room before this reservation").isEqualTo(2);
    processor.submit(List.of(world.job(keys.get(0), "reserve")));
    assertThat(processor.lanesInFlight()).isEqualTo(1);
    processor.releaseLaneReservation();
    assertThat(processor.reserveLane()).isEqualTo(1);

    // Full: one lane in flight and one reserved. The next reservation waits for a lane to end.
    CompletableFuture<Integer> next =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return processor.reserveLane();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100);
    assertThat(next).isNotDone();
    waiting.get(0).run();
    assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo(1);
  }

  @Test
  void aWaitingReservationEndsWithNothingReservedWhenShutdownBegins() throws Exception {
    LaneProcessor processor = processor(1);
    assertThat(processor.reserveLane()).isEqualTo(1);
    CompletableFuture<Integer> next =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return processor.reserveLane();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100);
    assertThat(next).isNotDone();

    processor.shutdown(Duration.ZERO);

    assertThat(next.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(processor.reserveLane()).isZero();
  }
}
