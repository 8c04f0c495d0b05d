package io.fenceq.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.ring.Lane;
import io.fenceq.testing.FakeDynamoDb;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsPublisherTest {
  private final StatsPublisher stats =
      StatsPublisher.builder().dynamoDb(new FakeDynamoDb()).table("leases").workerId("w1").build();

  @Test
  void aBatchHandlerThatIsAllDoneCountsItsJobsNotTheAllDoneMarker() throws Exception {
    KeyBatchHandler batch = (jobs, context) -> KeyBatchResult.allDone();
    JobHandler counted = stats.handlers(Map.of("t", batch)).get("t");

    assertThat(counted).isInstanceOf(KeyBatchHandler.class);
    ((KeyBatchHandler) counted).handleBatch(java.util.Arrays.asList(null, null, null), context(7));
    ((KeyBatchHandler) counted)
        .handleBatch(java.util.Arrays.asList(null, null), context(7)); // all done again: 5 in all
    assertThat(stats.pendingApplied(7)).isEqualTo(5);
  }

  @Test
  void aHandlerCountsWhatReturnedAndNotWhatThrew() throws Exception {
    JobHandler ok = (job, context) -> {};
    JobHandler failing =
        (job, context) -> {
          throw new IllegalStateException("downstream down");
        };
    Map<String, JobHandler> counted = stats.handlers(Map.of("ok", ok, "bad", failing));

    counted.get("ok").handle(null, context(3));
    assertThatThrownBy(() -> counted.get("bad").handle(null, context(3)))
        .hasMessage("downstream down");
    assertThat(stats.pendingApplied(3)).isEqualTo(1);
  }

  @Test
  void settingsAreCheckedNamingTheSetting() {
    assertThatThrownBy(
            () ->
                StatsPublisher.builder()
                    .dynamoDb(new FakeDynamoDb())
                    .table("leases")
                    .interval(Duration.ofMillis(10))
                    .build())
        .hasMessage("invalid StatsPublisher setting interval: PT0.01S");
    assertThatThrownBy(() -> StatsPublisher.builder().dynamoDb(new FakeDynamoDb()).build())
        .hasMessage("invalid StatsPublisher setting table: null");
  }

  private static JobContext context(int lane) {
    return new JobContext() {
      @Override
      public String key() {
        return "k";
      }

      @Override
      public Lane lane() {
        return Lane.parse(String.format("lane-%04d", lane));
      }

      @Override
      public long fence() {
        return 1;
      }

      @Override
      public String seq() {
        return "1";
      }

      @Override
      public int attempt() {
        return 1;
      }

      @Override
      public Instant deadline() {
        return Instant.MAX;
      }

      @Override
      public FenceToken fenceToken() {
        return null;
      }

      @Override
      public void checkFence() {}
    };
  }
}
