package io.fenceq.local.lambda.internal;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls the function on a thread of its own per invocation and waits for it until the context's
 * timeout runs out on the runner's ticker, as Lambda waits for a function; a function still running
 * then is interrupted (Lambda would stop its sandbox) and the invocation counts as timed out. A
 * function that returns after its timeout, by the ticker, timed out too.
 */
public final class Invoker {
  /** How often a wait re-reads the ticker, which may be a test's manual one. */
  private static final long RECHECK_NANOS = Duration.ofMillis(20).toNanos();

  private final RequestHandler<SQSEvent, SQSBatchResponse> function;
  private final ThreadFactory threads;
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();

  public Invoker(RequestHandler<SQSEvent, SQSBatchResponse> function, ThreadFactory threads) {
    this.function = function;
    this.threads = threads;
  }

  /**
   * Invokes the function with {@code event} and waits for the result.
   *
   * @param onExit runs on the invocation's thread once the function has returned or thrown, however
   *     late: what the invocation holds is released then, not at its timeout
   * @throws InterruptedException if the waiting thread is interrupted; the invocation is then
   *     interrupted too
   */
  public InvocationResult invoke(SQSEvent event, InvocationContext context, Runnable onExit)
      throws InterruptedException {
    CompletableFuture<SQSBatchResponse> result = new CompletableFuture<>();
    Thread thread =
        threads.newThread(
            () -> {
              SQSBatchResponse response = null;
              Throwable error = null;
              try {
                response = function.handleRequest(event, context);
              } catch (Throwable e) { // an Error in the function fails its invocation only
                error = e;
              } finally {
                // Released before the result is seen, so that whoever acts on it finds it so.
                running.remove(Thread.currentThread());
                onExit.run();
              }
              if (error == null) {
                result.complete(response);
              } else {
                result.completeExceptionally(error);
              }
            });
    running.add(thread);
    try {
      thread.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      running.remove(thread);
      onExit.run();
      return new InvocationResult.Threw(e);
    }
    while (true) {
      try {
        SQSBatchResponse response =
            result.get(Math.min(context.remainingNanos(), RECHECK_NANOS), TimeUnit.NANOSECONDS);
        giveUpIfInterrupted(thread);
        return context.expired()
            ? new InvocationResult.TimedOut(context.timeout())
            : new InvocationResult.Returned(response);
      } catch (ExecutionException e) {
        giveUpIfInterrupted(thread);
        return context.expired()
            ? new InvocationResult.TimedOut(context.timeout())
            : new InvocationResult.Threw(e.getCause());
      } catch (TimeoutException e) {
        if (context.expired()) {
          thread.interrupt();
          return new InvocationResult.TimedOut(context.timeout());
        }
      } catch (InterruptedException e) {
        thread.interrupt();
        throw e;
      }
    }
  }

  /**
   * A result that arrives as the waiting thread is interrupted is not passed on: the caller gave up
   * on the invocation and must not act on it.
   */
  private static void giveUpIfInterrupted(Thread function) throws InterruptedException {
    if (Thread.interrupted()) {
      function.interrupt();
      throw new InterruptedException("gave up on the invocation");
    }
  }

  /** Function threads still running, timed-out ones included. */
  public int running() {
    return running.size();
  }

  /** Interrupts every function thread still running. */
  public void interruptAll() {
    running.forEach(Thread::interrupt);
  }

  /**
   * Waits up to {@code limit} for every function thread to end.
   *
   * @return true if none is left
   */
  public boolean awaitIdle(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread thread : Set.copyOf(running)) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, left);
      }
    }
    return running.isEmpty();
  }
}
