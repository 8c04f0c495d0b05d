package io.fenceq.local.demo;

import io.fenceq.local.demo.FaultPoints.Point;
import io.fenceq.testing.faults.FaultProxy;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The workers of a demo run, as the {@link DemoRunner} and the {@link FaultPlan} see them: how they
 * start, what they have done so far, and how a fault reaches one of them. Two implementations:
 * {@link InProcessFleet} (workers or Lambda execution environments in this JVM, each with SDK
 * clients of its own) and {@link ProcessFleet} ({@code fenceq worker} JVMs, signalled).
 *
 * <p>The fault plan decides when and whom a fault strikes; the fleet decides how. Crashes and
 * pauses strike at a point of a job ({@link Point}): the plan arms workers, and the fleet tells it
 * through {@link Arrivals} when an armed worker has reached its point.
 */
interface WorkerFleet extends AutoCloseable {
  /** Told by the fleet when an armed worker reaches its point. */
  interface Arrivals {
    /**
     * An armed worker is at its point and waits there until the fleet strikes it or lets it go.
     *
     * @param takenOver whether another worker has since applied the job this one holds
     * @return whether the fault struck it; if not, the fleet lets the worker go on
     */
    boolean arrived(String worker, Point point, BooleanSupplier takenOver);
  }

  /** A line to print before the run starts, if the fleet has something to say. */
  Optional<String> banner();

  /** The producer's bound on jobs enqueued and not yet settled. */
  int backlog();

  /** Starts the run's workers; their arrivals at armed points go to {@code arrivals}. */
  void open(Arrivals arrivals);

  /**
   * Brings {@link #applied()} and {@link #deadLettered()} up to date: at once when {@code now},
   * else when the fleet's counting interval has passed.
   */
  void count(boolean now);

  /** Jobs that took effect so far, as last counted. */
  long applied();

  /** Jobs dead-lettered so far, as last counted. */
  long deadLettered();

  /** The progress line's part about the workers, e.g. {@code fenced 2 takeovers 5 dlq 0}. */
  String detail();

  /** Names of the workers in the run now, oldest first. */
  List<String> live();

  /**
   * Whether a crash or pause arms every live worker (the first to reach the point is struck) rather
   * than one drawn from the seed. Across processes a worker drawn alone might run no job before the
   * end, whose lanes another JVM holds.
   */
  boolean armsEveryWorker();

  /** Arms {@code worker}: its next job that reaches {@code point} is reported to the arrivals. */
  void arm(String worker, Point point);

  /** Takes the arming back; false if the worker has already claimed it. */
  boolean disarm(String worker);

  /** Kills {@code worker}, which waits at its crash point: nothing is released. */
  void kill(String worker);

  /** Takes a killed worker out of the run and starts its replacement. */
  void replace(String worker);

  /** Freezes {@code worker}, which waits at its pause point, fence in hand. */
  void freeze(String worker);

  /** Lets a frozen worker go on; its write then carries the old fence. */
  void thaw(String worker);

  /** The fault proxies in front of {@code worker}'s SQS and DynamoDB traffic; none without. */
  List<FaultProxy> proxies(String worker);

  /** How many faults of a kind the fleet injected itself (skew, throttle); 0 for others. */
  long injected(Fault fault);

  /** Ends the throttling of every worker's calls. */
  void endThrottling();

  /** Stops every worker, as far as its faults let it. Idempotent. */
  void stop();

  /** The figures only the fleet knows, once the run is over. */
  Figures figures();

  /** Told the run's verdict before {@link #close()}, which may then keep what explains it. */
  default void judged(boolean drained, CheckResult check) {}

  /** Stops the workers and releases what the fleet holds. Idempotent. */
  @Override
  void close();

  /**
   * Figures a fleet may not know, {@link DemoResult#UNAVAILABLE} then.
   *
   * @param p50Millis median enqueue-to-apply latency
   * @param p99Millis 99th percentile enqueue-to-apply latency
   * @param takeovers grants that took a lane from an owner that had not released it
   * @param fenced writes refused for carrying an old fence
   * @param duplicatesAnswered runs that found their job already applied
   */
  record Figures(
      long p50Millis, long p99Millis, long takeovers, long fenced, long duplicatesAnswered) {}
}
