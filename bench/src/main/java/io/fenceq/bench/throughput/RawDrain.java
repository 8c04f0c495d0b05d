package io.fenceq.bench.throughput;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The queue's ceiling: consumers that receive up to 10 and delete them, doing nothing else. */
final class RawDrain implements Drain {
  private final SqsClient sqs;
  private final String queueUrl;
  private final int consumers;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong done = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();

  RawDrain(SqsClient sqs, String queueUrl, int consumers) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.consumers = consumers;
  }

  @Override
  public void start() {
    for (int i = 0; i < consumers; i++) {
      threads.add(Thread.ofPlatform().name("bench-raw-" + i).daemon(true).start(this::consume));
    }
  }

  private void consume() {
    while (!stop.get()) {
      List<Message> batch =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
              .messages();
      if (batch.isEmpty()) {
        continue;
      }
      int deleted = Deletes.batch(sqs, queueUrl, batch);
      done.addAndGet(deleted);
    }
  }

  @Override
  public long done() {
    return done.get();
  }

  @Override
  public void close() {
    stop.set(true);
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
