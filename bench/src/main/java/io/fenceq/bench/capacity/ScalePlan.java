package io.fenceq.bench.capacity;

/**
 * How many lanes and queues a rate needs, and what it puts on DynamoDB's partitions.
 *
 * <p>The rules:
 *
 * <ul>
 *   <li><b>Lanes</b> at least twice the lane-batches in flight at peak (Little's law: the rate over
 *       one lane's throughput), so that an average lane runs at about half its capacity: the ring's
 *       imbalance and bursts fit, and its lane-batches still hold several jobs, which is what keeps
 *       the lease and SQS calls per job low. And enough that the hottest lane (its hottest key plus
 *       its share of the rest) stays under 80% of its coalesced capacity. Rounded up to a power of
 *       two. When the hottest key alone is over that, no lane count helps: a key's order is one
 *       lane.
 *   <li><b>Queues</b> when one queue's per-action request rate passes 80% of its limit, or its
 *       lanes could hold more in flight than the 120,000 a FIFO queue allows (10 per lane).
 * </ul>
 *
 * @param jobsPerSecond the rate planned for
 * @param hotKeyJobsPerSecond jobs per second of the hottest key
 * @param laneJobsPerSecond one lane's throughput, full lane-batches, a fenced write per job
 * @param hotLaneJobsPerSecond the hottest lane's throughput, its hot key's writes coalesced
 * @param lanesInFlight lane-batches in flight at this rate
 * @param lanes lanes the rule asks for; 0 when the hottest key alone is over its lane's budget
 * @param batchOnLanes an average lane's batch on {@code lanes} lanes
 * @param batchOnConfiguredLanes an average lane's batch on the configured lanes
 * @param hotLaneArrivals what the hottest lane receives on the configured lanes
 * @param secondsToScanWindow on the configured lanes, a write per job: until the hottest lane's
 *     backlog fills the FIFO scan window (infinite when it keeps up)
 * @param secondsToScanWindowCoalesced the same with coalesced writes
 * @param requestsPerSecondPerAction ReceiveMessage and DeleteMessageBatch each, on the configured
 *     lanes (the busiest actions: one per lane-batch)
 * @param queuesHighThroughput FIFO queues needed in high-throughput mode
 * @param queuesWithoutHighThroughput FIFO queues needed without it
 * @param leaseTableWriteUnits lease table write units per second, on the configured lanes
 * @param leaseItemWriteUnits the hottest lane's lease item, write units per second
 * @param hotItemWriteUnits the hottest key's entity item, a write per job
 * @param hotItemWriteUnitsCoalesced the same, coalesced
 * @param lockTableWriteUnits the per-job Lock Client's lock table at this rate
 */
public record ScalePlan(
    double jobsPerSecond,
    double hotKeyJobsPerSecond,
    double laneJobsPerSecond,
    double hotLaneJobsPerSecond,
    double lanesInFlight,
    int lanes,
    double batchOnLanes,
    double batchOnConfiguredLanes,
    double hotLaneArrivals,
    double secondsToScanWindow,
    double secondsToScanWindowCoalesced,
    double requestsPerSecondPerAction,
    int queuesHighThroughput,
    int queuesWithoutHighThroughput,
    double leaseTableWriteUnits,
    double leaseItemWriteUnits,
    double hotItemWriteUnits,
    double hotItemWriteUnitsCoalesced,
    double lockTableWriteUnits) {

  /** Share of a lane's capacity an average lane may use at peak. */
  public static final double LANE_UTILISATION = 0.5;

  /** Share of its capacity the hottest lane may use at peak. */
  public static final double HOT_LANE_UTILISATION = 0.8;

  /** Share of a queue's per-action limit one queue may use at peak. */
  public static final double QUEUE_UTILISATION = 0.8;

  /** Lanes one queue can carry without its in-flight messages reaching the FIFO limit. */
  public static final int MAX_LANES_PER_QUEUE =
      (int) (AwsFacts.FIFO_SCAN_WINDOW.value() / AwsFacts.BATCH_SIZE.value());

  /** The plan for {@code workload} at its rate. */
  public static ScalePlan of(Load workload, KeySkew skew) {
    double rate = workload.jobsPerSecond();
    double full = AwsFacts.BATCH_SIZE.value();
    LaneModel model = new LaneModel(workload);
    CostModel costs = new CostModel(workload, skew);

    double hotShare = skew.hottestKeyShare();
    double hotKey = rate * hotShare;
    double lane = model.laneJobsPerSecond(1);
    // a lane that falls behind has a backlog, so its batches are full
    double hotWritesPerJob = 1 / skew.hottestKeyJobsPerWrite(workload.lanes(), full);
    double hotLane = model.laneJobsPerSecond(hotWritesPerJob);
    double inFlight = rate / lane;

    int lanes = lanesFor(rate, hotShare, inFlight, hotLane);
    double batchOnLanes = lanes == 0 ? full : model.batchSize(rate / lanes, 1);
    double batchConfigured = costs.laneBatch(1);

    double arrivals = rate * skew.hottestLaneShare(workload.lanes());
    double toWindow = LaneModel.secondsToFillScanWindow(arrivals, lane);
    double toWindowCoalesced = LaneModel.secondsToFillScanWindow(arrivals, hotLane);

    double perAction = rate / batchConfigured;
    int queuesByLanes = lanes == 0 ? 1 : ceilDiv(lanes, MAX_LANES_PER_QUEUE);
    int queuesHigh =
        Math.max(
            queuesByLanes,
            (int)
                Math.ceil(
                    perAction / (QUEUE_UTILISATION * AwsFacts.FIFO_HIGH_THROUGHPUT_TPS.value())));
    int queuesLow =
        Math.max(
            queuesByLanes,
            (int) Math.ceil(perAction / (QUEUE_UTILISATION * AwsFacts.FIFO_PARTITION_TPS.value())));

    double heartbeatsPerJob = costs.fenceqHeartbeatsPerJob(1);
    double leaseTable = rate * (costs.leaseWritesPerJob(1) + heartbeatsPerJob);
    double hotLaneServed = Math.min(arrivals, hotLane);
    double leaseItem = hotLaneServed / full * 2;
    double hotFraction = KeySkew.fractionOfLane(hotShare, workload.lanes());
    double hotItem = Math.min(hotKey, lane * hotFraction);
    double hotItemCoalesced = Math.min(hotKey, hotLane * hotFraction) * hotWritesPerJob;
    double lockTable = rate * (2 + costs.lockClientHeartbeatsPerJob());

    return new ScalePlan(
        rate,
        hotKey,
        lane,
        hotLane,
        inFlight,
        lanes,
        batchOnLanes,
        batchConfigured,
        arrivals,
        toWindow,
        toWindowCoalesced,
        perAction,
        queuesHigh,
        queuesLow,
        leaseTable,
        leaseItem,
        hotItem,
        hotItemCoalesced,
        lockTable);
  }

  /** Lanes for the rule above; 0 when the hottest key alone is over its lane's budget. */
  static int lanesFor(double rate, double hotShare, double inFlight, double hotLane) {
    double budget = HOT_LANE_UTILISATION * hotLane;
    double hotKey = rate * hotShare;
    if (hotKey >= budget) {
      return 0;
    }
    double forAverage = inFlight / LANE_UTILISATION;
    // hotKey + (rate - hotKey) / lanes <= budget
    double forHottest = (rate - hotKey) / (budget - hotKey);
    return powerOfTwoAtLeast(Math.max(1, Math.max(forAverage, forHottest)));
  }

  /** The smallest power of two at or above {@code value}, at most 2^30. */
  static int powerOfTwoAtLeast(double value) {
    int n = 1;
    while (n < value && n < (1 << 30)) {
      n *= 2;
    }
    return n;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
