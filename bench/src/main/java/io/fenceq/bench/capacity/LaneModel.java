package io.fenceq.bench.capacity;

/**
 * How fast one lane can go, and when a lane that cannot keep up starves the others.
 *
 * <p>SQS FIFO hands out a message group's next messages only once the ones in flight are deleted,
 * so a lane runs one lane-batch at a time: receive, acquire the lease (handed over from the lane's
 * previous batch, which does not release it), run the jobs in order, each with its fenced write,
 * delete. Its throughput is the batch over that cycle, whatever the number of consumers. The jobs
 * of a lane-batch are counted one after the other (distinct keys of a batch may run concurrently,
 * so this is the lower bound).
 */
public final class LaneModel {
  private final Load workload;

  public LaneModel(Load workload) {
    this.workload = workload;
  }

  /** Milliseconds of a lane-batch of {@code batch} jobs, with this many fenced writes per job. */
  public double cycleMs(double batch, double writesPerJob) {
    return fixedMs() + batch * perJobMs(writesPerJob);
  }

  /** Jobs per second one lane can run, its lane-batches full, with this many writes per job. */
  public double laneJobsPerSecond(double writesPerJob) {
    double full = AwsFacts.BATCH_SIZE.value();
    return full * 1000 / cycleMs(full, writesPerJob);
  }

  /**
   * The lane-batch a lane receiving {@code arrivals} jobs/s runs when it has no backlog: the jobs
   * that arrived while the previous one ran, b = λ·(F + b·p), at least one and at most a full
   * receive. A lane at or past its capacity has a backlog, and its batches are full.
   */
  public double batchSize(double arrivals, double writesPerJob) {
    double full = AwsFacts.BATCH_SIZE.value();
    double perMs = arrivals / 1000;
    double load = perMs * perJobMs(writesPerJob);
    if (load >= 1) {
      return full;
    }
    double batch = perMs * fixedMs() / (1 - load);
    return Math.max(1, Math.min(full, batch));
  }

  /** Receive, lease acquire and delete: paid once per lane-batch. */
  private double fixedMs() {
    return 2 * workload.sqsRoundTripMs() + workload.dynamoDbRoundTripMs();
  }

  /** The handler and its share of fenced writes: paid per job, one after the other. */
  private double perJobMs(double writesPerJob) {
    return workload.handlerMs() + writesPerJob * workload.dynamoDbRoundTripMs();
  }

  /**
   * Seconds until a lane receiving {@code arrivals} jobs/s while running {@code service} jobs/s
   * holds the 120,000 messages SQS FIFO scans for deliverable groups; from then on, jobs of other
   * lanes sent later wait behind it. Infinite when the lane keeps up.
   */
  public static double secondsToFillScanWindow(double arrivals, double service) {
    if (arrivals <= service) {
      return Double.POSITIVE_INFINITY;
    }
    return AwsFacts.FIFO_SCAN_WINDOW.value() / (arrivals - service);
  }

  /**
   * Seconds other lanes stay blocked after one lane got a burst of {@code burst} messages: until
   * the lane has run the burst down below the scan window. Zero for a burst below the window.
   */
  public static double secondsBlockedByBurst(double burst, double service) {
    double excess = burst - AwsFacts.FIFO_SCAN_WINDOW.value();
    return excess <= 0 ? 0 : excess / service;
  }
}
