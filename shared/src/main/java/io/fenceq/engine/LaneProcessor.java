package io.fenceq.engine;

import io.fenceq.engine.internal.Backoff;
import io.fenceq.engine.internal.EngineParts;
import io.fenceq.engine.internal.EpochGuard;
import io.fenceq.engine.internal.Heartbeat;
import io.fenceq.engine.internal.LaneRun;
import io.fenceq.engine.internal.NamedThreads;
import io.fenceq.engine.internal.Payloads;
import io.fenceq.engine.internal.ShutdownGate;
import io.fenceq.internal.Require;
import io.fenceq.lease.LaneLeases;
import io.fenceq.lease.internal.Durations;
import io.fenceq.metrics.Metrics;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.LargePayloads;
import io.fenceq.reshard.RingEpochSource;
import io.fenceq.reshard.internal.RingEpochCache;
import io.fenceq.time.Ticker;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Processes received batches of the work queue (architecture §4), for every host: the ECS worker
 * hands it each {@code ReceiveMessage} answer, the Lambda consumer each {@code SQSEvent}.
 *
 * <p>A batch is split by lane, keeping SQS's order. Lanes run concurrently, at most {@link
 * EngineConfig#maxLanesInFlight()} at once. Within a lane, the jobs of one key run one after
 * another in received order; under {@link OrderScope#KEY} (the default) up to {@link
 * EngineConfig#keyConcurrency()} distinct keys of the lane-batch run at once, on the lane's thread
 * and threads named {@code fenceq-key-N} that the processor owns; under {@link OrderScope#LANE} the
 * lane's jobs run one after another. Each lane:
 *
 * <ol>
 *   <li>acquires its lease, which mints the fence its handlers write with. If another live consumer
 *       holds it, the lane's messages go back with the holder's remaining lease as their
 *       visibility, so nobody spins on it;
 *   <li>runs its jobs in order. A message that can never succeed (malformed envelope, no handler
 *       for its type, placed by another ring) goes to the dead-letter queue at once with its
 *       reason, and the lane goes on. At the first job of a key that fails, that key stops: the job
 *       and the key's later jobs go back with a backoff that doubles with the failed job's receive
 *       count, while the lane's other keys run on (under {@link OrderScope#LANE} the whole lane
 *       stops, every job behind the failed one going back). The lane settles only when all its keys
 *       have finished;
 *   <li>while a job runs, a heartbeat every renew interval renews the lease and extends the lane's
 *       visibility to a full lease. A transient failure (throttling, a server error, a timeout) is
 *       retried while the lease lasts; a permanent one, or one that outlasts the lease, loses the
 *       lane: {@link JobContext#checkFence()} throws, no further job starts and nothing more is
 *       deleted;
 *   <li>at its end deletes its successes in one batch and gives the rest back. If anything goes
 *       back, it first releases the lease; if everything was deleted, it does not: its grant
 *       recorded the batch's sequence numbers, and SQS delivers the lane's next messages only after
 *       the delete, at higher numbers, so whoever receives them is handed the lease on that ({@link
 *       io.fenceq.lease.LaneLeases#acquire(String, String, io.fenceq.lease.SequenceSpan)}).
 * </ol>
 *
 * <p>The lease is never kept for the lane's next messages: SQS, not this consumer, decides who
 * receives them, and a lease kept here would make whoever does wait out the lease. A handover costs
 * one lease write per lane-batch, the grant; a released lease two.
 *
 * <p>Receive with {@link #RECEIVE_SYSTEM_ATTRIBUTES} and {@link #RECEIVE_MESSAGE_ATTRIBUTES}, and
 * with a visibility timeout of at least the lease duration: the first heartbeat comes only one
 * renew interval after the lease is granted.
 *
 * <p>Thread-safe: several receive loops may submit at once. {@link #shutdown(Duration)} stops it
 * gracefully; {@link #close()} shuts down and waits for its threads.
 */
public final class LaneProcessor implements Closeable {
  /** The system attributes the engine reads; ask {@code ReceiveMessage} for them. */
  public static final List<MessageSystemAttributeName> RECEIVE_SYSTEM_ATTRIBUTES =
      List.of(
          MessageSystemAttributeName.MESSAGE_GROUP_ID,
          MessageSystemAttributeName.SEQUENCE_NUMBER,
          MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);

  /** The message attributes to ask {@code ReceiveMessage} for: all, which includes the ring. */
  public static final List<String> RECEIVE_MESSAGE_ATTRIBUTES = List.of("All");

  private static final Logger log = LoggerFactory.getLogger(LaneProcessor.class);

  private final EngineParts parts;
  private final Executor executor;
  private final ThreadPoolExecutor ownedExecutor;
  private final ThreadPoolExecutor keyThreads;
  private final Runnable writeOffListener;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Object shutdownLock = new Object();
  private final Object room = new Object();
  private int reservedLanes; // guarded by room
  private CompletableFuture<ShutdownReport> shutdown;
  private ScheduledFuture<?> deadline;

  private LaneProcessor(Builder b) {
    EngineConfig config = b.config;
    QueueActions actions = b.actions != null ? b.actions : new SqsQueueActions(b.sqs, config);
    int lanes = config.maxLanesInFlight();
    this.writeOffListener = b.writeOffListener;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              lanes,
              lanes,
              60,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              new NamedThreads("fenceq-lane-"));
      pool.allowCoreThreadTimeOut(true);
      this.executor = pool;
      this.ownedExecutor = pool;
    }
    int helpers = config.orderScope() == OrderScope.KEY ? lanes * (config.keyConcurrency() - 1) : 0;
    if (helpers > 0) {
      // Bounded: each lane in flight uses at most keyConcurrency - 1 of them; idle ones end.
      ThreadPoolExecutor pool =
          new ThreadPoolExecutor(
              helpers,
              helpers,
              60,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              new NamedThreads("fenceq-key-"));
      pool.allowCoreThreadTimeOut(true);
      this.keyThreads = pool;
    } else {
      this.keyThreads = null;
    }
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownsScheduler = false;
    } else {
      // Threads for the lanes in flight, since each beat makes its DynamoDB and SQS calls on one:
      // with too few, slow calls queue every lane's beat behind the others' until leases run out.
      // Idle threads end, so a quiet consumer keeps few.
      ScheduledThreadPoolExecutor pool =
          new ScheduledThreadPoolExecutor(
              Heartbeat.threadsFor(lanes), new NamedThreads("fenceq-heartbeat-"));
      pool.setRemoveOnCancelPolicy(true);
      pool.setKeepAliveTime(60, TimeUnit.SECONDS);
      pool.allowCoreThreadTimeOut(true);
      this.scheduler = pool;
      this.ownsScheduler = true;
    }
    Heartbeat heartbeat =
        config.heartbeat() ? new Heartbeat(scheduler, b.leases.config().renewInterval()) : null;
    this.parts =
        new EngineParts(
            config,
            b.leases,
            b.handlers,
            actions,
            b.metrics,
            b.ticker,
            b.clock,
            new Backoff(config.backoffBase(), config.backoffCap()),
            heartbeat,
            new ShutdownGate<>(),
            new Semaphore(lanes),
            new AtomicInteger(),
            scheduler,
            new AtomicInteger(),
            new EngineParts.Hooks() {
              @Override
              public void laneEndedWithoutItsThread() {
                roomChanged();
              }

              @Override
              public void threadWrittenOff(boolean keyThread) {
                writtenOff(keyThread);
              }
            },
            new Payloads(b.largePayloads),
            keyThreads,
            b.ringEpochs == null
                ? null
                : new EpochGuard(
                    new RingEpochCache(b.ringEpochs, config.ring(), b.ticker, b.epochRefresh, true),
                    b.holdLimit,
                    b.holdPoll,
                    b.holdRetry));
  }

  /** How long a moved key's job waits in flight for its old lane's barrier unless set. */
  public static final Duration DEFAULT_HOLD_LIMIT = Duration.ofSeconds(60);

  /** How often a held job reads the ring's epoch unless set. */
  public static final Duration DEFAULT_HOLD_POLL = Duration.ofMillis(500);

  /** The visibility a held job goes back with after its limit unless set. */
  public static final Duration DEFAULT_HOLD_RETRY = Duration.ofSeconds(2);

  public static Builder builder() {
    return new Builder();
  }

  public EngineConfig config() {
    return parts.config();
  }

  /**
   * Starts processing {@code messages}, one received batch; returns at once.
   *
   * @return completes when every message of the batch is settled, with their outcomes in received
   *     order; never completes exceptionally for a job's failure
   * @throws IllegalArgumentException if a message lacks a system attribute the engine reads (see
   *     {@link #RECEIVE_SYSTEM_ATTRIBUTES}); nothing of the batch was acted on
   */
  public CompletableFuture<BatchOutcome> submit(List<Message> messages) {
    return submit(messages, null);
  }

  /**
   * The same, for a host with its own deadline (a Lambda invocation): no job starts at or after
   * {@code notAfter}; the jobs not started go back with visibility 0, and {@link
   * JobContext#deadline()} is at most {@code notAfter}.
   *
   * @param notAfter the host's deadline by {@link Builder#clock}, or null for none
   */
  public CompletableFuture<BatchOutcome> submit(List<Message> messages, Instant notAfter) {
    return submitBatch(messages, notAfter).outcome();
  }

  /**
   * The same, for a host that may have to give up on the batch before it ends: a Lambda invocation
   * whose time runs out while a handler still runs. {@link SubmittedBatch#abandon} settles the
   * batch at once, and a handler thread left running can no longer delete anything.
   *
   * @param notAfter the host's deadline by {@link Builder#clock}, or null for none
   * @throws IllegalArgumentException as {@link #submit(List)}
   */
  public SubmittedBatch submitBatch(List<Message> messages, Instant notAfter) {
    List<LaneBatch> lanes = LaneBatch.split(messages);
    List<LaneRun> runs = new ArrayList<>(lanes.size());
    List<CompletableFuture<BatchOutcome>> results = new ArrayList<>(lanes.size());
    for (LaneBatch lane : lanes) {
      LaneRun run = startLane(lane, notAfter);
      runs.add(run);
      results.add(run.result().thenApply(BatchOutcome::new));
    }
    CompletableFuture<BatchOutcome> outcome =
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
            .thenApply(v -> inReceivedOrder(messages, results));
    return new SubmittedBatch(outcome, runs);
  }

  /**
   * Starts processing one lane of a received batch, split by {@link LaneBatch#split}; returns at
   * once. A host that hands lanes on their own (the ECS worker) gets each lane's slot back when
   * that lane is settled, not when the slowest lane of its receive is.
   *
   * @param notAfter the host's deadline by {@link Builder#clock}, or null for none (see {@link
   *     #submit(List, Instant)})
   * @return completes when every message of the lane is settled, with their outcomes in received
   *     order; never completes exceptionally for a job's failure
   */
  public CompletableFuture<BatchOutcome> submitLane(LaneBatch lane, Instant notAfter) {
    return startLane(lane, notAfter).result().thenApply(BatchOutcome::new);
  }

  private LaneRun startLane(LaneBatch lane, Instant notAfter) {
    LaneRun run = new LaneRun(parts, lane, notAfter);
    if (!parts.gate().enter(run)) {
      parts.shutdownReturns().addAndGet(lane.messages().size());
      run.finishUnstarted("the consumer is shutting down; the lane was not started");
    } else {
      try {
        executor.execute(
            () -> {
              try {
                run.run();
              } finally {
                roomChanged();
              }
            });
      } catch (RejectedExecutionException e) {
        run.finishUnstarted("the lane could not be started: its executor refused it (" + e + ")");
        roomChanged();
      }
    }
    return run;
  }

  /**
   * Processes {@code messages} and waits for the outcome.
   *
   * @throws InterruptedException if interrupted while waiting; the batch goes on and settles itself
   * @throws IllegalArgumentException as {@link #submit(List)}
   */
  public BatchOutcome process(List<Message> messages) throws InterruptedException {
    try {
      return submit(messages).get();
    } catch (ExecutionException e) {
      // Lane runs complete their results in finally blocks, never exceptionally.
      throw new IllegalStateException("a batch ended without an outcome", e.getCause());
    }
  }

  /** Whether new batches are run; false once {@link #shutdown} has begun. */
  public boolean accepting() {
    return !parts.gate().draining();
  }

  /** Lanes submitted and not yet finished, those waiting for a slot included. */
  public int lanesInFlight() {
    return parts.gate().active();
  }

  /**
   * For a host that polls for lanes (the ECS worker): waits until the lanes in flight and those
   * reserved are fewer than {@link EngineConfig#maxLanesInFlight()}, then reserves room for one
   * more. A receive loop reserves before each poll, so that it polls only with room for a lane and
   * no message it receives waits invisible for a free slot; two loops never both take the last one.
   * A poll may still bring more lanes than there is room for: they wait for a slot, and the count
   * stays at or above the limit until enough of them are done.
   *
   * <p>Give the reservation back with {@link #releaseLaneReservation()} once the lanes the poll
   * brought are submitted (or it brought none).
   *
   * @return the lanes of room there were, the one reserved included (at least 1); 0 once shutdown
   *     has begun, with nothing reserved
   * @throws InterruptedException if interrupted while waiting; nothing is reserved
   */
  public int reserveLane() throws InterruptedException {
    int max = parts.config().maxLanesInFlight();
    synchronized (room) {
      while (true) {
        if (!accepting()) {
          return 0;
        }
        int free = max - parts.gate().active() - reservedLanes;
        if (free > 0) {
          reservedLanes++;
          return free;
        }
        room.wait();
      }
    }
  }

  /** Gives back one reservation of {@link #reserveLane()}. */
  public void releaseLaneReservation() {
    synchronized (room) {
      if (reservedLanes <= 0) {
        throw new IllegalStateException("no lane reservation to release");
      }
      reservedLanes--;
      room.notifyAll();
    }
  }

  /**
   * Handler threads written off so far: each ignored the interrupt at its job's time limit for
   * {@link EngineConfig#writeOffGrace()}, and may run for ever. A long-running host should report
   * itself unhealthy once there are some, to be replaced.
   */
  public int threadsWrittenOff() {
    return parts.threadsWrittenOff().get();
  }

  /**
   * A handler thread was written off: its owned pool (the lanes' or the keys') gets one thread more
   * in its place, so that the work queued for a thread is not held back by one that may never come
   * back.
   */
  private void writtenOff(boolean keyThread) {
    ThreadPoolExecutor pool = keyThread ? keyThreads : ownedExecutor;
    if (pool != null) {
      synchronized (pool) {
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
        pool.setCorePoolSize(pool.getCorePoolSize() + 1);
      }
    }
    if (writeOffListener != null) {
      try {
        writeOffListener.run();
      } catch (RuntimeException e) {
        log.error("event=write_off_listener_failed queue={}", parts.queueName(), e);
      }
    }
  }

  /** A lane ended or shutdown began: wakes the hosts waiting in {@link #reserveLane()}. */
  private void roomChanged() {
    synchronized (room) {
      room.notifyAll();
    }
  }

  /**
   * Shuts down gracefully: from now on no lane and no job starts (batches submitted later, and the
   * not yet started jobs of running lanes, go back with visibility 0); running jobs may finish
   * until {@code grace} has passed. Then the lanes still running are abandoned: their unfinished
   * messages go back with visibility 0, their leases are released, their handlers see {@link
   * JobContext#checkFence()} throw and their threads are interrupted. Threads this processor owns
   * stop once it has stopped.
   *
   * <p>Idempotent: every call returns the same future, and only the first call's grace counts.
   *
   * @return completes when every lane is settled and its lease released
   */
  public CompletableFuture<ShutdownReport> shutdown(Duration grace) {
    synchronized (shutdownLock) {
      if (shutdown != null) {
        return shutdown;
      }
      if (grace == null || grace.isNegative()) {
        throw new IllegalArgumentException(
            "shutdown grace must be zero or positive, got " + Durations.format(grace));
      }
      parts.gate().begin();
      roomChanged();
      log.info(
          "event=engine_shutdown_started queue={} owner={} lanesInFlight={} grace={}",
          parts.queueName(),
          parts.config().owner(),
          parts.gate().active(),
          Durations.format(grace));
      String why = "the shutdown grace period of " + Durations.format(grace) + " ran out";
      shutdown =
          parts
              .gate()
              .stopped()
              .thenApply(
                  forced ->
                      new ShutdownReport(
                          !forced.isEmpty(), forced.size(), parts.shutdownReturns().get()));
      if (!shutdown.isDone()) {
        try {
          deadline =
              scheduler.schedule(
                  () -> parts.gate().forceStop(run -> run.abandon(why, true)),
                  grace.toNanos(),
                  TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          parts.gate().forceStop(run -> run.abandon(why, true));
        }
      }
      shutdown.whenComplete((report, error) -> stopped(report));
      return shutdown;
    }
  }

  /**
   * Shuts down with a grace period of one lease duration and waits for it; see {@link
   * #close(Duration)}.
   */
  @Override
  public void close() {
    close(parts.leases().config().leaseDuration());
  }

  /**
   * Shuts down with a grace period of {@code timeout} ({@link #shutdown(Duration)}) and waits,
   * bounded, for it: never for a handler thread that ignores its interrupt. When the grace runs
   * out, the lanes still running are abandoned: their unfinished messages go back with visibility 0
   * and their leases are released, whatever their threads do. Then this waits up to {@link
   * EngineConfig#writeOffGrace()} more for those settling calls and for the threads this processor
   * owns to end, and returns: a thread still running is logged and left (they are daemons). So a
   * host whose own deadline is {@code D} (ECS's stop timeout) calls this with {@code D} less the
   * write-off grace and a margin. An interrupt ends the wait early and stays set.
   *
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public void close(Duration timeout) {
    shutdown(timeout);
    awaitTermination(timeout.plus(parts.config().writeOffGrace()));
  }

  /**
   * After {@link #shutdown(Duration)}, waits up to {@code timeout} for every lane to be settled and
   * for the threads this processor owns to end, like {@link
   * java.util.concurrent.ExecutorService#awaitTermination}: a host with a deadline of its own
   * (ECS's stop timeout) waits this long and no longer. A handler thread that ignores its interrupt
   * is logged and left running (threads are daemons): its lane is settled without it. An interrupt
   * ends the wait early and stays set.
   *
   * @return whether every lane was settled and every owned thread ended within {@code timeout}
   * @throws IllegalStateException if the shutdown has not begun
   */
  public boolean awaitTermination(Duration timeout) {
    CompletableFuture<ShutdownReport> done;
    synchronized (shutdownLock) {
      done = shutdown;
    }
    if (done == null) {
      throw new IllegalStateException("awaitTermination before shutdown of " + parts.queueName());
    }
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    try {
      done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      boolean ended =
          (ownedExecutor == null
                  || ownedExecutor.awaitTermination(
                      Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
              && (keyThreads == null
                  || keyThreads.awaitTermination(
                      Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
              && (!ownsScheduler
                  || scheduler.awaitTermination(
                      Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      if (!ended) {
        // A handler that ignores interrupts; its lane is settled, and its threads are daemons.
        log.warn(
            "event=engine_threads_still_running queue={} threadsWrittenOff={}"
                + " effect=\"left running; their fenced writes are refused once another consumer"
                + " holds their lanes\"",
            parts.queueName(),
            parts.threadsWrittenOff().get());
      }
      return ended;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      log.error(
          "event=engine_close_timed_out queue={} timeout={} effect=\"lanes not yet settled"
              + " come back when their visibility runs out\"",
          parts.queueName(),
          Durations.format(timeout));
    } catch (ExecutionException e) {
      log.error("event=engine_shutdown_failed queue={}", parts.queueName(), e.getCause());
    }
    return false;
  }

  private void stopped(ShutdownReport report) {
    synchronized (shutdownLock) {
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    if (keyThreads != null) {
      keyThreads.shutdown();
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
    log.info(
        "event=engine_stopped queue={} owner={} forced={} lanesAbandoned={} messagesReturned={}",
        parts.queueName(),
        parts.config().owner(),
        report == null ? "-" : report.forced(),
        report == null ? "-" : report.lanesAbandoned(),
        report == null ? "-" : report.messagesReturned());
  }

  private static BatchOutcome inReceivedOrder(
      List<Message> messages, List<CompletableFuture<BatchOutcome>> lanes) {
    Map<String, MessageOutcome> byId = new HashMap<>();
    for (CompletableFuture<BatchOutcome> lane : lanes) {
      for (MessageOutcome o : lane.join().messages()) {
        byId.put(o.messageId(), o);
      }
    }
    List<MessageOutcome> ordered = new ArrayList<>(messages.size());
    for (Message m : messages) {
      ordered.add(byId.get(m.messageId()));
    }
    return new BatchOutcome(ordered);
  }

  @Override
  public String toString() {
    return "LaneProcessor[" + parts.config() + "]";
  }

  /**
   * Configures a {@link LaneProcessor}. Required: {@link #config}, {@link #leases}, {@link
   * #handlers}, and either {@link #sqs} or {@link #queueActions}.
   */
  public static final class Builder {
    private EngineConfig config;
    private LaneLeases leases;
    private JobHandlers handlers;
    private SqsClient sqs;
    private QueueActions actions;
    private Metrics metrics = Metrics.none();
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Executor executor;
    private ScheduledExecutorService scheduler;
    private Runnable writeOffListener;
    private LargePayloads largePayloads;
    private RingEpochSource ringEpochs;
    private Duration epochRefresh = Enqueuer.DEFAULT_EPOCH_REFRESH;
    private Duration holdLimit = DEFAULT_HOLD_LIMIT;
    private Duration holdPoll = DEFAULT_HOLD_POLL;
    private Duration holdRetry = DEFAULT_HOLD_RETRY;

    private Builder() {}

    /**
     * Follows the ring's epoch in {@code source} (a {@link io.fenceq.reshard.RingConfigTable} on
     * the lease table), so that the queue can be resharded live: a job runs only under the current
     * epoch's ring (or the previous one's until its lane's barrier passes); a moved key's job waits
     * for its old lane's barrier; barrier messages clear their lane; a job of any other epoch goes
     * to the dead-letter queue with the reason. The epoch is read at the first batch and again once
     * {@code refreshEvery} has passed (which must not exceed a reshard's grace period), and at
     * every lane-batch while a reshard is under way. Without it (the default) the consumer runs the
     * configured ring only and refuses jobs of any other ring.
     */
    public Builder ringEpochs(RingEpochSource source, Duration refreshEvery) {
      this.ringEpochs = source;
      this.epochRefresh = refreshEvery;
      return this;
    }

    /**
     * How a moved key's job waits for its old lane's barrier: it stays in flight (its visibility
     * extended by the heartbeat) and the epoch is read every {@code poll}, for at most {@code
     * limit} (and never past a Lambda invocation's deadline); then it goes back with visibility
     * {@code retry}, a receive that counts toward the queue's {@code maxReceiveCount}. Defaults
     * {@link #DEFAULT_HOLD_LIMIT}, {@link #DEFAULT_HOLD_POLL}, {@link #DEFAULT_HOLD_RETRY}.
     */
    public Builder epochHold(Duration limit, Duration poll, Duration retry) {
      this.holdLimit = limit;
      this.holdPoll = poll;
      this.holdRetry = retry;
      return this;
    }

    /**
     * Follows messages that point to an S3 object to their envelope, and deletes the object once
     * the job succeeded and its message is deleted; default none (such messages are dead-lettered).
     */
    public Builder largePayloads(LargePayloads largePayloads) {
      this.largePayloads = largePayloads;
      return this;
    }

    public Builder config(EngineConfig config) {
      this.config = config;
      return this;
    }

    /**
     * The lane leases: a {@link io.fenceq.lease.LeaseStore} on the lease table in production. Their
     * configuration sets the lease duration and the heartbeat interval.
     */
    public Builder leases(LaneLeases leases) {
      this.leases = leases;
      return this;
    }

    public Builder handlers(JobHandlers handlers) {
      this.handlers = handlers;
      return this;
    }

    /** Makes the queue calls with {@link SqsQueueActions} on this client; the caller closes it. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** Makes the queue calls through these actions instead of {@link #sqs}. */
    public Builder queueActions(QueueActions actions) {
      this.actions = actions;
      return this;
    }

    /** Default {@link Metrics#none()}. */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Monotonic time for handler timings; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** Wall time for enqueue-to-apply latency and job deadlines; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Runs lanes on the caller's executor (which the caller shuts down) instead of a pool of {@code
     * maxLanesInFlight} daemon threads named {@code fenceq-lane-N} that the processor owns. Lanes
     * beyond {@code maxLanesInFlight} wait on the executor's thread for a slot.
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * Runs heartbeats and the shutdown deadline on the caller's scheduler (which the caller shuts
     * down) instead of daemon threads named {@code fenceq-heartbeat-N} that the processor owns.
     * Each beat makes its DynamoDB and SQS calls on one of its threads: give it about one thread
     * per 8 lanes in flight (see the heartbeat section of docs/leases.md).
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    /**
     * Called, on a scheduler thread, each time a handler thread is written off (see {@link
     * #threadsWrittenOff()}); a host uses it to report itself unhealthy. Must not block. Default
     * none.
     */
    public Builder writeOffListener(Runnable writeOffListener) {
      this.writeOffListener = writeOffListener;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming a missing setting
     */
    public LaneProcessor build() {
      Require.notNull(config, "LaneProcessor", "config");
      Require.notNull(leases, "LaneProcessor", "leases");
      Require.notNull(handlers, "LaneProcessor", "handlers");
      Require.argument(
          (sqs == null) != (actions == null),
          "LaneProcessor",
          "sqs/queueActions",
          "exactly one must be set, got " + (sqs == null ? "neither" : "both"));
      Require.notNull(metrics, "LaneProcessor", "metrics");
      Require.notNull(ticker, "LaneProcessor", "ticker");
      Require.notNull(clock, "LaneProcessor", "clock");
      Require.argument(
          epochRefresh != null && epochRefresh.isPositive(),
          "LaneProcessor",
          "epochRefresh",
          epochRefresh);
      Require.argument(
          holdLimit != null && !holdLimit.isNegative(), "LaneProcessor", "holdLimit", holdLimit);
      Require.argument(
          holdPoll != null
              && holdPoll.isPositive()
              && holdPoll.compareTo(Duration.ofMinutes(1)) <= 0,
          "LaneProcessor",
          "holdPoll",
          holdPoll);
      Require.argument(
          holdRetry != null && !holdRetry.isNegative(), "LaneProcessor", "holdRetry", holdRetry);
      return new LaneProcessor(this);
    }
  }
}
