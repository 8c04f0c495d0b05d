package io.fenceq.local.demo;

import io.fenceq.queue.Enqueuer;
import io.fenceq.reshard.ReshardException;
import io.fenceq.reshard.Resharding;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.ring.HashRing;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The live reshard of a demo run ({@link DemoOptions#reshardTo()}): once a third of the jobs are
 * enqueued it writes the next epoch, waits the grace period, sends one barrier per old lane and
 * watches them pass, on a thread of its own, while the producer and the workers go on.
 *
 * <p>The producer reads the epoch every {@link #PRODUCER_REFRESH}; the consumers every {@link
 * Enqueuer#DEFAULT_EPOCH_REFRESH} (and at once on a job of another epoch or a barrier). The grace
 * period covers both, so that no producer sends under the old epoch once the barriers are sent.
 */
final class DemoReshard implements AutoCloseable {
  /** How often the demo's producer reads the ring's epoch. */
  static final Duration PRODUCER_REFRESH = Duration.ofSeconds(1);

  /**
   * From the new epoch to the barriers: the consumers' refresh interval, the producer's, and a
   * second for an enqueue call under way.
   */
  static final Duration GRACE =
      Enqueuer.DEFAULT_EPOCH_REFRESH.plus(PRODUCER_REFRESH).plusSeconds(1);

  /** Synthetic keys the ring's own prediction is measured on. */
  static final int PREDICTION_KEYS = 100_000;

  private static final Logger log = LoggerFactory.getLogger(DemoReshard.class);
  private static final long WATCH_MILLIS = 250;

  private final int jobs;
  private final int lanes;
  private final int reshardTo;
  private final RingConfigTable table;
  private final Resharding resharding;
  private final Consumer<String> print;
  private volatile Thread thread;
  private volatile RingEpoch started;
  private volatile RingEpoch last;
  private volatile int barriersSent;
  private volatile String failure;
  private volatile boolean finished;

  private DemoReshard(
      DemoOptions options,
      DemoStack stack,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      Consumer<String> print) {
    this.jobs = options.jobs();
    this.lanes = stack.lanes();
    this.reshardTo = options.reshardTo();
    this.table = table(stack, dynamoDb);
    this.resharding =
        Resharding.builder()
            .table(table)
            .sqs(sqs)
            .queueUrl(stack.workQueueUrl())
            .grace(GRACE)
            .build();
    this.print = print;
  }

  /** The reshard the options ask for; none when they do not. */
  static Optional<DemoReshard> of(
      DemoOptions options,
      DemoStack stack,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      Consumer<String> print) {
    return options.reshards()
        ? Optional.of(new DemoReshard(options, stack, sqs, dynamoDb, print))
        : Optional.empty();
  }

  /** The ring's epoch as the demo's producer and in-process workers read it. */
  static RingConfigTable table(DemoStack stack, DynamoDbClient dynamoDb) {
    return new RingConfigTable(dynamoDb, stack.leaseTable(), stack.lanes(), Clock.systemUTC());
  }

  /** When a third of the jobs are enqueued. */
  static long startAfter(int jobs) {
    return Math.max(1, jobs / 3);
  }

  /**
   * Starts the reshard once {@code enqueued} reaches a third of the jobs, or the producer is done
   * short of it (jobs SQS refused).
   */
  void tick(long enqueued, boolean producerDone) {
    if (thread != null || (enqueued < startAfter(jobs) && !producerDone)) {
      return;
    }
    print.accept(
        String.format(
            "fenceq demo: resharding %d -> %d lanes after %d of %d jobs enqueued (grace %ds)",
            lanes, reshardTo, enqueued, jobs, GRACE.toSeconds()));
    thread = Thread.ofPlatform().name("fenceq-demo-reshard").daemon(true).start(this::run);
  }

  private void run() {
    try {
      RingEpoch next = resharding.begin(reshardTo);
      started = next;
      last = next;
      TimeUnit.MILLISECONDS.sleep(GRACE.toMillis()); // the grace period itself
      barriersSent = resharding.sendBarriers(next);
      while (!Thread.currentThread().isInterrupted()) {
        RingEpoch now = readQuietly();
        if (now != null) {
          last = now;
          if (!now.resharding()) {
            print.accept(
                String.format(
                    "fenceq demo: reshard to epoch %d done: %d barriers passed",
                    now.epoch(), barriersSent));
            return;
          }
        }
        TimeUnit.MILLISECONDS.sleep(WATCH_MILLIS); // the demo's own pacing
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ReshardException | SdkException e) {
      failure = e.getMessage();
      log.warn("event=demo_reshard_failed reason=\"{}\"", e.getMessage());
      print.accept("fenceq demo: reshard failed: " + e.getMessage());
    } finally {
      finished = true;
    }
  }

  private RingEpoch readQuietly() {
    try {
      return table.read();
    } catch (SdkException e) {
      log.warn("event=demo_reshard_read_failed reason=\"{}\"", e.getMessage());
      return null;
    }
  }

  /** Whether the reshard has run its course: begun, barriers sent and passed, or failed. */
  boolean settled() {
    return finished;
  }

  /**
   * What the reshard did and what the ring predicts.
   *
   * @param movedKeys the demo's keys the producer routed to two lanes
   * @param keys the demo's keys the producer routed at all
   * @param skus the demo's SKUs, {@code sku-0} to {@code sku-<skus-1>}, which the two rings place
   */
  ReshardFigures figures(int movedKeys, int keys, int skus) {
    RingEpoch end = last;
    HashRing before = HashRing.of(lanes);
    HashRing after = before.withLanes(reshardTo);
    int placedElsewhere = 0;
    for (int i = 0; i < skus; i++) {
      String sku = "sku-" + i;
      if (!before.laneFor(sku).equals(after.laneFor(sku))) {
        placedElsewhere++;
      }
    }
    return new ReshardFigures(
        started == null ? 0 : started.epoch(),
        lanes,
        reshardTo,
        barriersSent,
        end == null ? 0 : barriersSent - end.pending().size(),
        movedKeys,
        keys,
        (double) placedElsewhere / skus,
        Resharding.predictedMove(before, reshardTo, PREDICTION_KEYS).movedFraction(),
        failure);
  }

  /** Stops watching the barriers. */
  @Override
  public void close() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
