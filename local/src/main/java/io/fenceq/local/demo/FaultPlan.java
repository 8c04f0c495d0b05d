package io.fenceq.local.demo;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
import io.fenceq.internal.aws.AwsClients;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When and where a run's faults strike. Every moment is a point in the run's progress (jobs applied
 * so far), drawn from the seed, so a run injects the same faults at the same stage whatever the
 * machine's speed; which worker is hit is drawn from the seed too.
 */
final class FaultPlan implements AutoCloseable {
  private final DemoOptions options;
  private final DemoRunner runner;
  private final Random random;
  private final Map<Fault, AtomicLong> counts = new EnumMap<>(Fault.class);
  private volatile long lastFaultEndedNanos;

  FaultPlan(DemoOptions options, DemoRunner runner) {
    this.options = options;
    this.runner = runner;
    this.random = new Random(options.seed() * 31 + 7);
    for (Fault f : options.faults()) {
      counts.put(f, new AtomicLong());
    }
  }

  /** What one worker gets: its network path, interceptors, clock and write hooks. */
  final class WorkerFaults {
    private final String worker;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    WorkerFaults(String worker) {
      this.worker = worker;
    }

    AwsClients.Target sqsTarget(AwsClients.Target direct) {
      return direct;
    }

    AwsClients.Target dynamoDbTarget(AwsClients.Target direct) {
      return direct;
    }

    Clock clock() {
      return Clock.systemUTC();
    }

    Reservations.WriteHooks hooks() {
      return new Reservations.WriteHooks() {
        @Override
        public void beforeWrite(String name, Job job) {}

        @Override
        public void afterWrite(String name, Job job) {}
      };
    }

    Map<String, JobHandler> wrap(Map<String, JobHandler> handlers) {
      return handlers;
    }

    List<AutoCloseable> closeables() {
      return closeables;
    }

    String worker() {
      return worker;
    }
  }

  WorkerFaults forWorker(String worker) {
    return new WorkerFaults(worker);
  }

  /** Fires the faults whose moment has come. */
  void tick(long applied) {}

  /** Whether no fault is in progress now and none is still to come. */
  boolean quiet() {
    return true;
  }

  /** Faults injected so far, by kind; only the kinds asked for. */
  Map<Fault, Long> counts() {
    Map<Fault, Long> snapshot = new EnumMap<>(Fault.class);
    counts.forEach((f, n) -> snapshot.put(f, n.get()));
    return snapshot;
  }

  /** When the last fault ended (System.nanoTime), 0 if none did. */
  long lastFaultEndedNanos() {
    return lastFaultEndedNanos;
  }

  /** Ends every fault in progress: paused workers resume, cut-off ones are healed. Idempotent. */
  @Override
  public void close() {}
}
