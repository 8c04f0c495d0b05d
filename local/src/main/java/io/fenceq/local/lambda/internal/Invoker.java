package io.fenceq.local.lambda.internal;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event source's invocation executor: each batch runs on a thread of its own ({@link
 * #execute}), on which {@link #call} invokes the function. One timer thread ends an invocation
 * whose timeout has run out on the context's ticker, as Lambda stops a function at its timeout: the
 * function is interrupted and the invocation counts as timed out at once, without waiting for the
 * function to give up. A function that returns after its timeout, by the ticker, timed out too.
 *
 * <p>Each invocation ends exactly once, by the first of: the function's return (or throw), its
 * timeout, {@link #abandonAll()}. What ends it second is ignored, so a result that arrives after
 * the event source gave up on it is never acted on.
 */
public final class Invoker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Invoker.class);

  /** How often the timer re-reads the ticker, which may be a test's manual one. */
  private static final Duration TIMER_PERIOD = Duration.ofMillis(20);

  /** How an invocation ended: exactly one of these is called, once. */
  public interface Ending {
    /**
     * The function returned or threw (on the invocation's thread), or its timeout ran out first (on
     * the timer's thread, which must not wait: a timed-out batch is only counted and logged).
     */
    void ended(InvocationResult result);

    /** The event source gave up on the invocation at its stop deadline; it settles nothing. */
    void abandoned();
  }

  /** One call of the function, open until something ends it; equal only to itself. */
  private static final class Invocation {
    final InvocationContext context;
    final Thread thread;
    final Ending ending;

    Invocation(InvocationContext context, Thread thread, Ending ending) {
      this.context = context;
      this.thread = thread;
      this.ending = ending;
    }
  }

  private final RequestHandler<SQSEvent, SQSBatchResponse> function;
  private final ThreadFactory threads;
  private final Thread timer;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Set<Invocation> open = ConcurrentHashMap.newKeySet();
  private final Set<Thread> inFunction = ConcurrentHashMap.newKeySet();
  // Invocation threads until seen dead: awaitIdle must join a thread, not trust its last write.
  private final Set<Thread> live = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean abandoning = new AtomicBoolean();

  /**
   * @param threads makes the invocation threads
   * @param timerThreads makes the timer thread, started by {@link #start()}
   */
  public Invoker(
      RequestHandler<SQSEvent, SQSBatchResponse> function,
      ThreadFactory threads,
      ThreadFactory timerThreads) {
    this.function = function;
    this.threads = threads;
    this.timer = timerThreads.newThread(this::watchTimeouts);
  }

  /** Starts the timer; invocations time out only once it runs. */
  public Invoker start() {
    timer.start();
    return this;
  }

  /**
   * Runs {@code batch} on a new invocation thread.
   *
   * @throws RuntimeException if the thread cannot be started; {@code batch} then never runs
   * @throws OutOfMemoryError likewise
   */
  public void execute(Runnable batch) {
    live.removeIf(thread -> !thread.isAlive());
    Thread thread = threads.newThread(batch);
    live.add(thread);
    try {
      thread.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      live.remove(thread);
      throw e;
    }
  }

  /**
   * Invokes the function with {@code event} on this thread, an invocation thread, and tells {@code
   * ending} how the invocation ended. After {@link #abandonAll()} the function is not called and
   * the invocation is abandoned at once.
   *
   * @param onExit runs on this thread once the function has returned or thrown, however late, and
   *     before {@code ending} hears of it: what the invocation holds is released then, not at its
   *     timeout
   */
  public void call(SQSEvent event, InvocationContext context, Runnable onExit, Ending ending) {
    Thread self = Thread.currentThread();
    Invocation invocation = new Invocation(context, self, ending);
    open.add(invocation);
    // Read after the add: abandonAll sets the flag before it looks at what is open, so one of the
    // two sees the other.
    if (abandoning.get()) {
      onExit.run();
      if (end(invocation)) {
        ending.abandoned();
      }
      return;
    }
    inFunction.add(self);
    SQSBatchResponse response = null;
    Throwable error = null;
    try {
      response = function.handleRequest(event, context);
    } catch (Throwable e) { // an Error in the function fails its invocation only
      error = e;
    } finally {
      inFunction.remove(self);
      onExit.run();
    }
    if (!end(invocation)) {
      return; // timed out or abandoned already; whoever ended it did what was due
    }
    // The function's own interrupt status must not cut short what its batch does next.
    Thread.interrupted();
    InvocationResult result;
    if (context.expired()) {
      result = new InvocationResult.TimedOut(context.timeout());
    } else if (error == null) {
      result = new InvocationResult.Returned(response);
    } else {
      result = new InvocationResult.Threw(error);
    }
    ending.ended(result);
  }

  /**
   * Ends every open invocation as abandoned and interrupts its function; from now on {@link #call}
   * abandons at once. Their results, when they come, are ignored.
   */
  public void abandonAll() {
    abandoning.set(true);
    for (Invocation invocation : open) {
      if (end(invocation)) {
        invocation.thread.interrupt();
        invocation.ending.abandoned();
      }
    }
  }

  /** Function calls still running, timed-out and abandoned ones included. */
  public int running() {
    return inFunction.size();
  }

  /** Interrupts every function call still running. */
  public void interruptAll() {
    inFunction.forEach(Thread::interrupt);
  }

  /**
   * Waits up to {@code limit} for every invocation thread to end.
   *
   * @return true if none is left
   */
  public boolean awaitIdle(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread thread : Set.copyOf(live)) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, left);
      }
    }
    live.removeIf(thread -> !thread.isAlive());
    return live.isEmpty();
  }

  /** Stops the timer and waits for its thread; idempotent. */
  @Override
  public void close() {
    closed.countDown();
    if (timer.isAlive()) {
      try {
        timer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** True for the one caller that ends {@code invocation}. */
  private boolean end(Invocation invocation) {
    return open.remove(invocation);
  }

  private void watchTimeouts() {
    try {
      while (!closed.await(TIMER_PERIOD.toNanos(), TimeUnit.NANOSECONDS)) {
        for (Invocation invocation : open) {
          if (invocation.context.expired() && end(invocation)) {
            invocation.thread.interrupt();
            timedOut(invocation);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void timedOut(Invocation invocation) {
    try {
      invocation.ending.ended(new InvocationResult.TimedOut(invocation.context.timeout()));
    } catch (RuntimeException e) { // the timer must outlive one batch's bookkeeping
      log.error(
          "event=timeout_handling_failed requestId={} error=\"{}\"",
          invocation.context.getAwsRequestId(),
          e.toString(),
          e);
    }
  }
}
