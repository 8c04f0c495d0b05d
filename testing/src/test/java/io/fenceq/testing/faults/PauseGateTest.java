package io.fenceq.testing.faults;

import static io.fenceq.testing.faults.FaultTestAws.inventoryTable;
import static io.fenceq.testing.faults.FaultTestAws.skuExists;
import static io.fenceq.testing.faults.FaultTestAws.skuItem;
import static io.fenceq.testing.faults.FaultTestAws.target;
import static io.fenceq.testing.faults.FaultTestAws.uniqueSku;
import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.aws.AwsClients;
import io.fenceq.engine.JobHandler;
import io.fenceq.local.LocalAws;
import io.fenceq.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class PauseGateTest {
  private static final LocalAws aws = FaultTestAws.aws();

  private static CompletableFuture<Void> putOnItsOwnThread(DynamoDbClient dynamoDb, String sku) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread.ofPlatform()
        .name("test-put-" + sku)
        .daemon(true)
        .start(
            () -> {
              try {
                dynamoDb.putItem(r -> r.tableName(inventoryTable(aws)).item(skuItem(sku)));
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            });
    return done;
  }

  @Test
  void aPausedWorkersCallIsNotSentUntilResumed() throws Exception {
    PauseGate gate = PauseGate.named("w1");
    String sku = uniqueSku("paused");
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(target(aws), List.of(gate))) {
      gate.pause();
      CompletableFuture<Void> put = putOnItsOwnThread(dynamoDb, sku);
      Eventually.until("the call waits at the gate", () -> gate.waiting() == 1);

      assertThat(put).isNotDone();
      assertThat(skuExists(aws, sku)).as("sent while paused").isFalse();

      gate.resume();
      put.get(60, TimeUnit.SECONDS);
    }
    assertThat(skuExists(aws, sku)).isTrue();
    assertThat(gate.pauses()).isEqualTo(1);
    assertThat(gate.held()).isEqualTo(1);
    assertThat(gate.paused()).isFalse();
  }

  @Test
  void aCallStartedWhilePausedOutlastsTheAttemptTimeoutAndIsSentWhenResumed() throws Exception {
    PauseGate gate = PauseGate.named("w7");
    String sku = uniqueSku("paused-past-timeout");
    Duration attemptTimeout = Duration.ofMillis(200);
    try (DynamoDbClient dynamoDb =
        AwsClients.dynamoDb(
            target(aws),
            AwsClients.Options.builder()
                .interceptor(gate)
                .apiCallAttemptTimeout(attemptTimeout)
                .build())) {
      gate.pause();
      long begun = System.nanoTime();
      CompletableFuture<Void> put = putOnItsOwnThread(dynamoDb, sku);
      Eventually.until("the call waits at the gate", () -> gate.waiting() == 1);
      Eventually.until(
          "the pause outlasts several attempt timeouts",
          () -> System.nanoTime() - begun > attemptTimeout.multipliedBy(5).toNanos());

      assertThat(put).as("aborted by the attempt timeout while paused").isNotDone();

      gate.resume();
      put.get(60, TimeUnit.SECONDS);
    }
    assertThat(skuExists(aws, sku)).as("the write reached the service").isTrue();
  }

  @Test
  void anAnswerArrivingWhilePausedIsHeldUntilResumed() throws Exception {
    PauseGate gate = PauseGate.named("w2");
    // Pauses the gate once the server has answered, as if the pause struck mid-call. The SDK
    // calls after-transmission hooks last-registered first, so this one is added after the gate.
    ExecutionInterceptor pauseOnAnswer =
        new ExecutionInterceptor() {
          @Override
          public void afterTransmission(Context.AfterTransmission c, ExecutionAttributes a) {
            gate.pause();
          }
        };
    String sku = uniqueSku("answer-held");
    try (DynamoDbClient dynamoDb =
        AwsClients.dynamoDb(
            target(aws),
            AwsClients.Options.builder().interceptor(gate).interceptor(pauseOnAnswer).build())) {
      CompletableFuture<Void> put = putOnItsOwnThread(dynamoDb, sku);
      Eventually.until("the answer waits at the gate", () -> gate.waiting() == 1);

      assertThat(skuExists(aws, sku)).as("the server applied it").isTrue();
      assertThat(put).isNotDone();

      gate.resume();
      put.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void anInterruptEndsTheWaitFailsTheCallAndStaysSet() throws Exception {
    PauseGate gate = PauseGate.named("w3");
    String sku = uniqueSku("interrupted");
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(target(aws), List.of(gate))) {
      gate.pause();
      Thread caller =
          Thread.ofPlatform()
              .name("test-interrupted-put")
              .start(
                  () -> {
                    try {
                      dynamoDb.putItem(r -> r.tableName(inventoryTable(aws)).item(skuItem(sku)));
                      failure.complete(null);
                    } catch (SdkException e) {
                      stillInterrupted.set(Thread.currentThread().isInterrupted());
                      failure.complete(e);
                    }
                  });
      Eventually.until("the call waits at the gate", () -> gate.waiting() == 1);
      caller.interrupt();
      caller.join(TimeUnit.SECONDS.toMillis(60));

      assertThat(failure.get()).isInstanceOf(AbortedException.class);
      assertThat(stillInterrupted).isTrue();
      assertThat(gate.paused()).isTrue();
      assertThat(gate.waiting()).isZero();
    }
    assertThat(skuExists(aws, sku)).isFalse();
  }

  @Test
  void aWrappedHandlerWaitsAtEntryWhilePaused() throws Exception {
    PauseGate gate = PauseGate.named("w4");
    AtomicInteger ran = new AtomicInteger();
    JobHandler handler = gate.wrap((job, context) -> ran.incrementAndGet());

    handler.handle(null, null);
    assertThat(ran).hasValue(1);
    assertThat(gate.held()).isZero();

    gate.pause();
    CompletableFuture<Void> frozen =
        CompletableFuture.runAsync(
            () -> {
              try {
                handler.handle(null, null);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            r -> Thread.ofPlatform().name("test-handler").daemon(true).start(r));
    Eventually.until("the handler waits at the gate", () -> gate.waiting() == 1);
    assertThat(ran).hasValue(1);

    gate.resume();
    frozen.get(60, TimeUnit.SECONDS);
    assertThat(ran).hasValue(2);
    assertThat(gate.held()).isEqualTo(1);
  }

  @Test
  void aWrappedHandlerInterruptedWhilePausedThrowsInterruptedException() throws Exception {
    PauseGate gate = PauseGate.named("w5");
    JobHandler handler = gate.wrap((job, context) -> {});
    gate.pause();
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread worker =
        Thread.ofPlatform()
            .name("test-interrupted-handler")
            .start(
                () -> {
                  try {
                    handler.handle(null, null);
                    thrown.complete(null);
                  } catch (Exception e) {
                    thrown.complete(e);
                  }
                });
    Eventually.until("the handler waits at the gate", () -> gate.waiting() == 1);
    worker.interrupt();

    assertThat(thrown.get(60, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
  }

  @Test
  void pauseForResumesOnItsOwnButLeavesALaterPauseAlone() throws Exception {
    PauseGate gate = PauseGate.named("w6");
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("test-gate-scheduler").daemon(true).unstarted(r));
    try {
      gate.pauseFor(Duration.ofMillis(50), scheduler).get(60, TimeUnit.SECONDS);
      assertThat(gate.paused()).isFalse();

      var first = gate.pauseFor(Duration.ofMillis(50), scheduler);
      gate.resume();
      gate.pause(); // a new pause the first one's timer must not end
      first.get(60, TimeUnit.SECONDS);

      assertThat(gate.paused()).isTrue();
      assertThat(gate.pauses()).isEqualTo(3);
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
