package io.fenceq.bench.throughput;

import io.fenceq.bench.support.ApplyLatency;
import io.fenceq.consumer.EmptyReceivePause;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The baselines' consumers, shaped like a fenceq worker so that only the coordination differs: per
 * consumer one receive loop and up to {@value #GROUPS_IN_FLIGHT} message groups in flight on as
 * many threads. The loop takes a group slot, asks for 10 messages, runs each message group of the
 * answer on its own (its messages in order, through {@link GroupWork}), deletes what the group
 * finished in one batch and frees the slot; groups beyond the free slots wait for one, and the loop
 * polls again only when a slot is free. With a receive wait of zero it polls short and pauses after
 * an empty receive as fenceq's worker does ({@link EmptyReceivePause}).
 */
final class GroupPipeline implements Drain {
  static final int GROUPS_IN_FLIGHT = 10;

  /** What a consumer does with one message group of a receive. */
  interface GroupWork {
    /**
     * @param consumer which consumer (0-based) runs it
     * @param group the group's messages, in received order
     * @return the messages to delete
     */
    List<Message> run(int consumer, List<Message> group);
  }

  private final SqsClient sqs;
  private final String queueUrl;
  private final int consumers;
  private final Duration receiveWait;
  private final GroupWork work;
  private final ApplyLatency latency;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong done = new AtomicLong();
  private final List<Thread> loops = new ArrayList<>();
  private final List<ExecutorService> pools = new ArrayList<>();

  GroupPipeline(
      SqsClient sqs,
      String queueUrl,
      int consumers,
      Duration receiveWait,
      ApplyLatency latency,
      GroupWork work) {
    this.receiveWait = receiveWait;
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.consumers = consumers;
    this.latency = latency;
    this.work = work;
  }

  @Override
  public void start() {
    for (int i = 0; i < consumers; i++) {
      int consumer = i;
      ExecutorService pool = Executors.newFixedThreadPool(GROUPS_IN_FLIGHT);
      pools.add(pool);
      loops.add(
          Thread.ofPlatform()
              .name("bench-consumer-" + i)
              .daemon(true)
              .start(() -> consume(consumer, pool)));
    }
  }

  private void consume(int consumer, ExecutorService pool) {
    Semaphore slots = new Semaphore(GROUPS_IN_FLIGHT);
    EmptyReceivePause emptyPause = new EmptyReceivePause();
    try {
      while (!stop.get()) {
        slots.acquire();
        long mark = emptyPause.mark();
        List<Message> batch =
            sqs.receiveMessage(
                    r ->
                        r.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds((int) receiveWait.toSeconds())
                            .messageSystemAttributeNames(
                                MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .messages();
        Map<String, List<Message>> groups = new LinkedHashMap<>();
        for (Message m : batch) {
          groups
              .computeIfAbsent(
                  m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID),
                  g -> new ArrayList<>())
              .add(m);
        }
        if (groups.isEmpty()) {
          slots.release();
          if (receiveWait.isZero()) {
            emptyPause.pause(mark, stop::get);
          }
          continue;
        }
        emptyPause.reset();
        for (List<Message> group : groups.values()) {
          pool.execute(
              () -> {
                try {
                  List<Message> finished = work.run(consumer, group);
                  finished.forEach(m -> latency.appliedBody(m.body()));
                  done.addAndGet(Deletes.batch(sqs, queueUrl, finished));
                } finally {
                  slots.release();
                  emptyPause.settled();
                }
              });
        }
        // One slot per group: those beyond the first are taken as running groups free them.
        slots.acquire(groups.size() - 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public long done() {
    return done.get();
  }

  @Override
  public void close() {
    stop.set(true);
    for (Thread t : loops) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    for (ExecutorService pool : pools) {
      pool.shutdown();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
