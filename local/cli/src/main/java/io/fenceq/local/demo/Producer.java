package io.fenceq.local.demo;

import io.fenceq.local.demo.Workload.PlannedJob;
import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.ring.Lane;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enqueues the workload in order, one SQS batch at a time, keeping at most a set backlog of jobs
 * enqueued but not yet settled, so that latencies measure the processing and not a queue filled up
 * front. Records what SQS accepted in the history.
 */
final class Producer implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Producer.class);

  /**
   * One SendMessageBatch: the enqueued count moves as SQS accepts each batch, so the progress line
   * never shows more jobs applied than enqueued. The enqueuer sends a longer list as such batches
   * one after another anyway, so this costs no calls.
   */
  private static final int CHUNK = Enqueuer.MAX_BATCH_ENTRIES;

  private static final long WAIT_MILLIS = 20;

  private final Enqueuer enqueuer;
  private final Workload workload;
  private final History history;
  private final int maxBacklog;
  private final LongSupplier settled;
  private final AtomicLong refused = new AtomicLong();
  private final Map<String, Set<Lane>> lanes = new ConcurrentHashMap<>();
  private volatile boolean done;

  Producer(
      Enqueuer enqueuer, Workload workload, History history, int maxBacklog, LongSupplier settled) {
    this.enqueuer = enqueuer;
    this.workload = workload;
    this.history = history;
    this.maxBacklog = maxBacklog;
    this.settled = settled;
  }

  @Override
  public void run() {
    List<PlannedJob> jobs = workload.jobs();
    try {
      for (int from = 0; from < jobs.size(); from += CHUNK) {
        while (history.enqueuedCount() - settled.getAsLong() >= maxBacklog) {
          Thread.sleep(WAIT_MILLIS); // the producer's own pacing
        }
        List<PlannedJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + CHUNK));
        BatchEnqueueResult result =
            enqueuer.enqueueAll(chunk.stream().map(PlannedJob::request).toList());
        Map<String, PlannedJob> byId = new HashMap<>();
        chunk.forEach(j -> byId.put(j.jobId(), j));
        for (EnqueueResult accepted : result.accepted()) {
          history.enqueued(byId.get(accepted.jobId()));
          lanes
              .computeIfAbsent(accepted.key(), k -> ConcurrentHashMap.newKeySet())
              .add(accepted.lane());
        }
        if (!result.failed().isEmpty()) {
          refused.addAndGet(result.failed().size());
          log.warn(
              "event=demo_enqueue_refused jobs={} first=\"{}\"",
              result.failed().size(),
              result.failed().getFirst().reason());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      done = true;
    }
  }

  boolean done() {
    return done;
  }

  /** Keys SQS accepted a job of. */
  int keysRouted() {
    return lanes.size();
  }

  /** Keys whose jobs SQS accepted in more than one lane: the keys a reshard moved. */
  int keysInTwoLanes() {
    return (int) lanes.values().stream().filter(l -> l.size() > 1).count();
  }

  /** Jobs SQS did not accept; they are not part of the run. */
  long refused() {
    return refused.get();
  }
}
