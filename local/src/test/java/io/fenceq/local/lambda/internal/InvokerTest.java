package io.fenceq.local.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InvokerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final ManualTicker ticker = new ManualTicker(1_000);
  private final AtomicInteger exits = new AtomicInteger();

  private InvocationContext context() {
    return new InvocationContext(
        "req-1", "fn", "us-east-1", "000000000000", 512, ticker, ticker.nanos(), TIMEOUT);
  }

  private InvocationResult invoke(RequestHandler<SQSEvent, SQSBatchResponse> function)
      throws InterruptedException {
    return new Invoker(function, Thread.ofPlatform().name("test-invoke-", 1).daemon(true).factory())
        .invoke(new SQSEvent(), context(), exits::incrementAndGet);
  }

  @Test
  void aReturnedResponseIsPassedOn() throws Exception {
    SQSBatchResponse response = new SQSBatchResponse(List.of(new BatchItemFailure("m1")));

    InvocationResult result = invoke((event, context) -> response);

    assertThat(result).isEqualTo(new InvocationResult.Returned(response));
    assertThat(exits).hasValue(1);
  }

  @Test
  void aThrowIsPassedOn() throws Exception {
    IllegalStateException error = new IllegalStateException("boom");

    InvocationResult result =
        invoke(
            (event, context) -> {
              throw error;
            });

    assertThat(result).isEqualTo(new InvocationResult.Threw(error));
    assertThat(exits).hasValue(1);
  }

  @Test
  void theFunctionRunsOnANamedThreadOfItsOwn() throws Exception {
    AtomicReference<String> name = new AtomicReference<>();

    invoke(
        (event, context) -> {
          name.set(Thread.currentThread().getName());
          return null;
        });

    assertThat(name.get()).startsWith("test-invoke-");
  }

  @Test
  void remainingTimeCountsDownOnTheTicker() throws Exception {
    AtomicReference<int[]> seen = new AtomicReference<>();

    invoke(
        (event, context) -> {
          int before = context.getRemainingTimeInMillis();
          ticker.advance(Duration.ofMillis(12_345));
          seen.set(new int[] {before, context.getRemainingTimeInMillis()});
          return null;
        });

    assertThat(seen.get()).containsExactly(30_000, 30_000 - 12_345);
  }

  @Test
  void aFunctionThatReturnsAfterItsTimeoutTimedOut() throws Exception {
    InvocationResult result =
        invoke(
            (event, context) -> {
              ticker.advance(TIMEOUT);
              return null;
            });

    assertThat(result).isEqualTo(new InvocationResult.TimedOut(TIMEOUT));
  }

  @Test
  void aFunctionStillRunningAtItsTimeoutIsInterruptedAndTimedOut() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    Invoker invoker =
        new Invoker(
            (SQSEvent event, Context context) -> {
              running.countDown();
              try {
                never.await();
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              return null;
            },
            Thread.ofPlatform().name("test-invoke-", 1).daemon(true).factory());
    CompletableFuture<InvocationResult> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return invoker.invoke(new SQSEvent(), context(), exits::incrementAndGet);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(result).isNotDone();

    ticker.advance(TIMEOUT);

    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(new InvocationResult.TimedOut(TIMEOUT));
    assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(invoker.awaitIdle(Duration.ofSeconds(30))).isTrue();
    assertThat(exits).hasValue(1);
  }

  @Test
  void theContextDescribesTheFunction() {
    InvocationContext context = context();

    assertThat(context.getAwsRequestId()).isEqualTo("req-1");
    assertThat(context.getFunctionName()).isEqualTo("fn");
    assertThat(context.getInvokedFunctionArn())
        .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:fn");
    assertThat(context.getLogGroupName()).isEqualTo("/aws/lambda/fn");
    assertThat(context.getMemoryLimitInMB()).isEqualTo(512);
    assertThat(context.getRemainingTimeInMillis()).isEqualTo(30_000);
    ticker.advance(Duration.ofMinutes(1));
    assertThat(context.getRemainingTimeInMillis()).isZero();
    assertThat(context.expired()).isTrue();
  }
}
