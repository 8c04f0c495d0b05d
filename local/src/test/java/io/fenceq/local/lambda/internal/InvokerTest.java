package io.fenceq.local.lambda.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InvokerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final long LIMIT_SECONDS = 30;

  private final ManualTicker ticker = new ManualTicker(1_000);
  private final AtomicInteger exits = new AtomicInteger();
  private final List<Invoker> invokers = new ArrayList<>();

  @AfterEach
  void closeInvokers() {
    invokers.forEach(Invoker::close);
  }

  private InvocationContext context() {
    return new InvocationContext(
        "req-1", "fn", "us-east-1", "000000000000", 512, ticker, ticker.nanos(), TIMEOUT);
  }

  private Invoker invoker(RequestHandler<SQSEvent, SQSBatchResponse> function) {
    Invoker invoker =
        new Invoker(
            function,
            Thread.ofPlatform().name("test-invoke-", 1).daemon(true).factory(),
            Thread.ofPlatform().name("test-timeouts").daemon(true).factory());
    invokers.add(invoker);
    return invoker.start();
  }

  /** How one invocation ended, as its {@link Invoker.Ending} heard it. */
  private static final class Outcome implements Invoker.Ending {
    final CompletableFuture<InvocationResult> result = new CompletableFuture<>();
    final AtomicInteger endings = new AtomicInteger();
    final AtomicReference<String> thread = new AtomicReference<>();

    @Override
    public void ended(InvocationResult result) {
      endings.incrementAndGet();
      thread.set(Thread.currentThread().getName());
      this.result.complete(result);
    }

    @Override
    public void abandoned() {
      endings.incrementAndGet();
      thread.set(Thread.currentThread().getName());
      result.complete(null);
    }

    InvocationResult get() throws Exception {
      return result.get(LIMIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** Starts one invocation on an invocation thread of {@code invoker}. */
  private Outcome start(Invoker invoker) {
    Outcome outcome = new Outcome();
    invoker.execute(() -> invoker.call(new SQSEvent(), context(), exits::incrementAndGet, outcome));
    return outcome;
  }

  private InvocationResult invoke(RequestHandler<SQSEvent, SQSBatchResponse> function)
      throws Exception {
    Invoker invoker = invoker(function);
    InvocationResult result = start(invoker).get();
    assertThat(invoker.awaitIdle(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
    return result;
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
    CountDownLatch release = new CountDownLatch(1);
    Invoker invoker =
        invoker(
            (SQSEvent event, Context context) -> {
              running.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              // Returns late, and after its invocation ended: the return must be ignored.
              awaitQuietly(release);
              return null;
            });
    Outcome outcome = start(invoker);
    assertThat(running.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(outcome.result).isNotDone();

    ticker.advance(TIMEOUT);

    assertThat(outcome.get()).isEqualTo(new InvocationResult.TimedOut(TIMEOUT));
    assertThat(outcome.thread.get()).as("ended by the timer").isEqualTo("test-timeouts");
    assertThat(interrupted.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(invoker.running()).as("the function still runs after its timeout").isEqualTo(1);
    release.countDown();
    assertThat(invoker.awaitIdle(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
    assertThat(outcome.endings).hasValue(1);
    assertThat(exits).hasValue(1);
  }

  @Test
  void anAbandonedInvocationIsInterruptedAndItsLateResultIgnored() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Invoker invoker =
        invoker(
            (SQSEvent event, Context context) -> {
              running.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                // returns normally, but too late: the invocation was given up on
              }
              return null;
            });
    Outcome outcome = start(invoker);
    assertThat(running.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    invoker.abandonAll();

    assertThat(outcome.get()).as("abandoned").isNull();
    assertThat(invoker.awaitIdle(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
    assertThat(outcome.endings).hasValue(1);
    assertThat(exits).hasValue(1);
  }

  @Test
  void afterAbandonAllAFunctionIsNotCalled() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Invoker invoker =
        invoker(
            (event, context) -> {
              calls.incrementAndGet();
              return null;
            });
    invoker.abandonAll();

    Outcome outcome = start(invoker);

    assertThat(outcome.get()).as("abandoned").isNull();
    assertThat(invoker.awaitIdle(Duration.ofSeconds(LIMIT_SECONDS))).isTrue();
    assertThat(calls).hasValue(0);
    assertThat(exits).hasValue(1);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(LIMIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
