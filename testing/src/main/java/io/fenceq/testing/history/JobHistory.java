package io.fenceq.testing.history;

import io.fenceq.dlq.DeadLetter;
import io.fenceq.dlq.DeadLetters;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobHandlers;
import io.fenceq.engine.KeyBatchHandler;
import io.fenceq.engine.KeyBatchResult;
import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.EnqueueResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Records what a test's jobs did to the user's own tables, then checks it against fenceq's promises
 * with {@link #check}.
 *
 * <p>Three things feed it:
 *
 * <ol>
 *   <li>{@link #enqueued(EnqueueResult)}: each job SQS accepted, in enqueue order;
 *   <li>{@link #record(JobHandlers)} (or {@link #record(JobHandler)}): the handlers the workers
 *       run, so that every call is a <em>run</em> of known jobs, key and fence;
 *   <li>{@link #watch(DynamoDbClient, String...)}: the DynamoDB client the handlers write with, so
 *       that every write a watched table accepts during a run is an <em>effect</em> of that run's
 *       jobs. A conditional write DynamoDB refuses (a stale fence, a duplicate) is no effect; a
 *       call that fails without an answer (a timeout, a 5xx) is a possible one.
 * </ol>
 *
 * <p>A run's effects belong to its job; for a {@link KeyBatchHandler}, to the jobs the run reported
 * done (the first job when it reported none). Effects are attributed through the thread that runs
 * the handler: a handler that writes from other threads, or to another store, reports its effects
 * with {@link #applied(JobContext, String)}.
 *
 * <p>It only sees handlers running in this JVM. Thread-safe.
 *
 * <pre>{@code
 * JobHistory history = JobHistory.create();
 * DynamoDbClient watched = history.watch(dynamoDb, "orders");
 * Worker worker = Worker.builder()...handlers(history.record(Orders.handlers(watched))).build();
 * history.enqueued(stack.enqueuer().enqueue(request));
 * // ... wait until the jobs are done, with or without faults ...
 * history.check(sqs, stack.deadLetterQueueUrl()).assertClean();
 * }</pre>
 */
public final class JobHistory {
  private static final ThreadLocal<Run> CURRENT = new ThreadLocal<>();

  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong order = new AtomicLong();
  private final List<EnqueueResult> enqueued = new ArrayList<>();
  private final List<Applied> applied = new ArrayList<>();

  private JobHistory() {}

  /** An empty history. */
  public static JobHistory create() {
    return new JobHistory();
  }

  /** Records a job SQS accepted; call in enqueue order. */
  public synchronized void enqueued(EnqueueResult job) {
    enqueued.add(Objects.requireNonNull(job, "job"));
  }

  /** Records the jobs of a batch SQS accepted, in order. */
  public synchronized void enqueued(BatchEnqueueResult batch) {
    Objects.requireNonNull(batch, "batch").accepted().forEach(this::enqueued);
  }

  /** The jobs recorded as enqueued, in order. */
  public synchronized List<EnqueueResult> enqueuedJobs() {
    return List.copyOf(enqueued);
  }

  /**
   * {@code client}, recording every write to {@code tables} made during a recorded run: PutItem,
   * UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems. Every other call passes through
   * unchanged.
   */
  public DynamoDbClient watch(DynamoDbClient client, String... tables) {
    Objects.requireNonNull(client, "client");
    if (tables.length == 0) {
      throw new IllegalArgumentException("watch needs at least one table name");
    }
    return WatchedDynamoDb.wrap(client, List.of(tables), this::effect);
  }

  /** Every handler of {@code handlers} recorded; a handler registered for several types once. */
  public JobHandlers record(JobHandlers handlers) {
    Objects.requireNonNull(handlers, "handlers");
    Map<JobHandler, JobHandler> recorded = new IdentityHashMap<>();
    JobHandlers.Builder builder = JobHandlers.builder();
    for (String type : handlers.types()) {
      JobHandler handler = handlers.handlerFor(type).orElseThrow();
      JobHandler wrapped = recorded.computeIfAbsent(handler, this::record);
      Duration limit = handlers.timeLimitFor(type).orElse(null);
      if (limit == null) {
        builder.on(type, wrapped);
      } else {
        builder.on(type, wrapped, limit);
      }
    }
    return builder.build();
  }

  /** {@code handler}, each call recorded as a run; a batch handler stays one. */
  public JobHandler record(JobHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (handler instanceof KeyBatchHandler batch) {
      return (KeyBatchHandler)
          (jobs, context) -> {
            Run run = start(jobs, context);
            KeyBatchResult result = null;
            try {
              result = batch.handleBatch(jobs, context);
              return result;
            } finally {
              if (result == null) {
                // It threw: its writes may have covered any of its jobs, or none.
                finish(run, jobs.size(), false);
              } else {
                finish(run, Math.max(1, result.done()), true);
              }
            }
          };
    }
    return (job, context) -> {
      Run run = start(List.of(job), context);
      try {
        handler.handle(job, context);
      } finally {
        finish(run, 1, true);
      }
    };
  }

  /**
   * Records that the job of {@code context}'s run took effect on {@code store}, for effects {@link
   * #watch} cannot see. Call from within the handler, after the write was accepted.
   */
  public void applied(JobContext context, String store) {
    Objects.requireNonNull(context, "context");
    Run run = CURRENT.get();
    if (run == null) {
      throw new IllegalStateException(
          "applied(...) is called outside a recorded run (key="
              + context.key()
              + "): record the handler with JobHistory.record");
    }
    run.effects.add(new Effect(order.incrementAndGet(), run.id, store, true));
  }

  /**
   * Checks the history against the dead-letter queue's contents. Reads the queue once, so call it
   * when the work is done.
   */
  public HistoryCheck check(SqsClient sqs, String deadLetterQueueUrl) {
    return check(DeadLetters.builder().sqs(sqs).deadLetterQueueUrl(deadLetterQueueUrl).build());
  }

  /** Checks the history against {@code deadLetters}' contents. */
  public HistoryCheck check(DeadLetters deadLetters) {
    return check(deadLetters.list());
  }

  /** Checks the history against the given dead letters. */
  public HistoryCheck check(List<DeadLetter> deadLetters) {
    List<EnqueueResult> jobs;
    List<Applied> effects;
    synchronized (this) {
      jobs = List.copyOf(enqueued);
      effects = List.copyOf(applied);
    }
    return HistoryChecker.check(jobs, effects, deadLetters);
  }

  private Run start(List<Job> jobs, JobContext context) {
    Run run =
        new Run(
            runs.incrementAndGet(),
            context.key(),
            jobs.stream().map(Job::jobId).toList(),
            context.fence(),
            jobs.get(0).attempt());
    CURRENT.set(run);
    return run;
  }

  /**
   * Attributes the run's effects to its first {@code done} jobs; as possible effects only when
   * {@code known} is false (which of the jobs they covered is not known).
   */
  private void finish(Run run, int done, boolean known) {
    CURRENT.remove();
    List<String> jobIds = run.jobIds.subList(0, Math.min(done, run.jobIds.size()));
    synchronized (this) {
      for (Effect effect : run.effects) {
        for (String jobId : jobIds) {
          applied.add(
              new Applied(effect.order(), jobId, run, effect.table(), known && effect.certain()));
        }
      }
    }
  }

  private void effect(String table, boolean certain) {
    Run run = CURRENT.get();
    if (run != null) {
      run.effects.add(new Effect(order.incrementAndGet(), run.id, table, certain));
    }
  }

  /** One call of a recorded handler. Its effects are only touched by the thread running it. */
  static final class Run {
    final long id;
    final String key;
    final List<String> jobIds;
    final long fence;
    final int attempt;
    final List<Effect> effects = new ArrayList<>();

    Run(long id, String key, List<String> jobIds, long fence, int attempt) {
      this.id = id;
      this.key = key;
      this.jobIds = jobIds;
      this.fence = fence;
      this.attempt = attempt;
    }

    @Override
    public String toString() {
      return "run " + id + " (fence " + fence + ", attempt " + attempt + ")";
    }
  }

  /**
   * A write to a store during a run.
   *
   * @param order position in the history, across all runs
   * @param run the run that made it
   * @param table the table or store written
   * @param certain true when it was accepted; false when the call failed without saying
   */
  record Effect(long order, long run, String table, boolean certain) {}

  /** An effect attributed to one job. */
  record Applied(long order, String jobId, Run run, String table, boolean certain) {}
}
