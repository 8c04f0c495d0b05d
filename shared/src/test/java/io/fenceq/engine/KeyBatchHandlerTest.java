package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.MessageOutcome.Status;
import io.fenceq.engine.RecordingQueueActions.Call;
import io.fenceq.ring.Lane;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/** A key's consecutive jobs in one call of a {@link KeyBatchHandler}, and what its result does. */
class KeyBatchHandlerTest {
  private final EngineFixture world = new EngineFixture();

  /** The calls made: the message ids of each, and the context's seq. */
  private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());

  private final List<String> contextSeqs = Collections.synchronizedList(new ArrayList<>());

  private KeyBatchHandler recording(BiFunction<List<Job>, JobContext, KeyBatchResult> result) {
    return (jobs, context) -> {
      calls.add(jobs.stream().map(Job::messageId).toList());
      contextSeqs.add(context.seq());
      return result.apply(jobs, context);
    };
  }

  private static List<String> ids(Message... messages) {
    return List.of(messages).stream().map(Message::messageId).toList();
  }

  private static String seq(Message m) {
    return m.attributes()
        .get(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.SEQUENCE_NUMBER);
  }

  /** Two keys the ring puts in one lane. */
  private List<String> twoKeysInOneLane() {
    String first = "sku-0";
    Lane lane = world.laneOf(first);
    for (int i = 1; ; i++) {
      String key = "sku-" + i;
      if (world.laneOf(key).equals(lane)) {
        return List.of(first, key);
      }
    }
  }

  private static MessageOutcome outcome(BatchOutcome batch, Message m) {
    return batch.outcome(m.messageId()).orElseThrow();
  }

  @Test
  void byKeyAllOfAKeysJobsInTheLaneBatchGoInOneCallWhateverLiesBetween() throws Exception {
    List<String> keys = twoKeysInOneLane();
    Message a1 = world.job(keys.get(0), "reserve");
    Message a2 = world.job(keys.get(0), "release");
    Message b1 = world.job(keys.get(1), "reserve");
    Message a3 = world.job(keys.get(0), "reserve");
    KeyBatchHandler handler = recording((jobs, context) -> KeyBatchResult.allDone());
    JobHandlers handlers =
        JobHandlers.builder().on("reserve", handler).on("release", handler).build();

    BatchOutcome batch = world.processor(handlers).process(List.of(a1, a2, b1, a3));

    assertThat(calls).containsExactlyInAnyOrder(ids(a1, a2, a3), ids(b1));
    assertThat(contextSeqs).containsExactlyInAnyOrder(seq(a3), seq(b1));
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.DONE);
  }

  @Test
  void inLaneOrderAKeysConsecutiveJobsGoInOneCallAndAnotherKeyStartsTheNext() throws Exception {
    List<String> keys = twoKeysInOneLane();
    Message a1 = world.job(keys.get(0), "reserve");
    Message a2 = world.job(keys.get(0), "release");
    Message a3 = world.job(keys.get(0), "reserve");
    Message b1 = world.job(keys.get(1), "reserve");
    Message a4 = world.job(keys.get(0), "reserve");
    KeyBatchHandler handler = recording((jobs, context) -> KeyBatchResult.allDone());
    JobHandlers handlers =
        JobHandlers.builder().on("reserve", handler).on("release", handler).build();

    BatchOutcome batch =
        world
            .processor(
                handlers,
                world.config().orderScope(OrderScope.LANE).build(),
                EngineFixture.SAME_THREAD)
            .process(List.of(a1, a2, a3, b1, a4));

    assertThat(calls).containsExactly(ids(a1, a2, a3), ids(b1), ids(a4));
    assertThat(contextSeqs)
        .as("the context carries the last job's seq, which a coalesced write records")
        .containsExactly(seq(a3), seq(b1), seq(a4));
    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.DONE);
    assertThat(world.actions.calls("delete"))
        .extracting(Call::messageIds)
        .containsExactly(ids(a1, a2, a3, b1, a4));
    assertThat(world.metrics.total(EngineMetrics.JOBS_OK)).isEqualTo(5);
  }

  @Test
  void aCallTakesAtMostTenJobs() throws Exception {
    String key = "sku-0";
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      messages.add(world.job(key, "reserve"));
    }
    KeyBatchHandler handler = recording((jobs, context) -> KeyBatchResult.allDone());

    world.processor(JobHandlers.builder().on("reserve", handler).build()).process(messages);

    assertThat(calls).extracting(List::size).containsExactly(10, 2);
  }

  @Test
  void typesWithDifferentHandlersAreNotBatchedTogether() throws Exception {
    Message a1 = world.job("sku-0", "reserve");
    Message a2 = world.job("sku-0", "release");
    KeyBatchHandler reserve = recording((jobs, context) -> KeyBatchResult.allDone());
    KeyBatchHandler release = recording((jobs, context) -> KeyBatchResult.allDone());

    world
        .processor(JobHandlers.builder().on("reserve", reserve).on("release", release).build())
        .process(List.of(a1, a2));

    assertThat(calls).containsExactly(ids(a1), ids(a2));
  }

  @Test
  void thePrefixReportedDoneIsDeletedAndTheFailedJobGoesBackWithTheJobsBehindIt() throws Exception {
    Message a1 = world.job("sku-0", "reserve");
    Message a2 = world.job("sku-0", "reserve");
    Message a3 = world.job("sku-0", "reserve");
    Message a4 = world.job("sku-0", "reserve");
    KeyBatchHandler handler =
        recording(
            (jobs, context) ->
                KeyBatchResult.failedAt(2, new IllegalStateException("stock table unreachable")));

    BatchOutcome batch =
        world
            .processor(JobHandlers.builder().on("reserve", handler).build())
            .process(List.of(a1, a2, a3, a4));

    assertThat(outcome(batch, a1).status()).isEqualTo(Status.DONE);
    assertThat(outcome(batch, a2).status()).isEqualTo(Status.DONE);
    assertThat(outcome(batch, a3).status()).isEqualTo(Status.RETURNED);
    assertThat(outcome(batch, a3).reason()).contains("stock table unreachable");
    assertThat(outcome(batch, a4).status()).isEqualTo(Status.RETURNED);
    assertThat(outcome(batch, a4).reason()).contains("behind job " + a3.messageId());
    assertThat(world.actions.calls("delete"))
        .extracting(Call::messageIds)
        .containsExactly(ids(a1, a2));
    assertThat(world.metrics.total(EngineMetrics.JOBS_OK)).isEqualTo(2);
    assertThat(world.metrics.total(EngineMetrics.JOBS_FAILED)).isEqualTo(1);
  }

  @Test
  void aThrowingCallFailsItsFirstJobAndGivesEveryJobBack() throws Exception {
    Message a1 = world.job("sku-0", "reserve");
    Message a2 = world.job("sku-0", "reserve");
    KeyBatchHandler handler =
        (jobs, context) -> {
          throw new IllegalStateException("nothing written");
        };

    BatchOutcome batch =
        world
            .processor(JobHandlers.builder().on("reserve", handler).build())
            .process(List.of(a1, a2));

    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.RETURNED);
    assertThat(outcome(batch, a1).reason()).contains("nothing written");
    assertThat(world.actions.calls("delete")).isEmpty();
  }

  @Test
  void aResultNamingAJobOutsideTheCallIsTheHandlersErrorAndNothingIsDeleted() throws Exception {
    Message a1 = world.job("sku-0", "reserve");
    Message a2 = world.job("sku-0", "reserve");
    KeyBatchHandler handler =
        (jobs, context) -> KeyBatchResult.failedAt(5, new IllegalStateException("job 5"));

    BatchOutcome batch =
        world
            .processor(JobHandlers.builder().on("reserve", handler).build())
            .process(List.of(a1, a2));

    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.RETURNED);
    assertThat(outcome(batch, a1).reason()).contains("reported job 5 failed, but it was given 2");
    assertThat(world.actions.calls("delete")).isEmpty();
  }

  @Test
  void aFencedCallLeavesItsJobsToTheLanesNextHolder() throws Exception {
    Message a1 = world.job("sku-0", "reserve");
    Message a2 = world.job("sku-0", "reserve");
    KeyBatchHandler handler =
        (jobs, context) -> {
          throw context.fenced("sku-0");
        };

    BatchOutcome batch =
        world
            .processor(JobHandlers.builder().on("reserve", handler).build())
            .process(List.of(a1, a2));

    assertThat(batch.messages()).extracting(MessageOutcome::status).containsOnly(Status.LOST);
    assertThat(world.actions.calls("delete")).isEmpty();
    assertThat(world.metrics.total(EngineMetrics.JOBS_FENCED)).isEqualTo(1);
  }

  @Test
  void aSingleJobThroughHandleIsABatchOfOneAndItsFailureIsThrown() {
    KeyBatchHandler handler =
        (jobs, context) -> KeyBatchResult.failedAt(0, new IllegalArgumentException("bad qty"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                handler.handle(
                    new Job(
                        "sku-0", "reserve", null, "job-1", java.time.Instant.EPOCH, "m-1", "1", 1),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad qty");
  }

  @Test
  void aResultNeedsAFailureToNameAFailedJob() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyBatchResult.failedAt(1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failedAt needs the failure of job 1");
  }
}
