package io.fenceq.bench.capacity;

/**
 * What the capacity model is asked about: the load, its keys, and the round trips and handler time
 * a lane-batch pays. Immutable; the constructor refuses a value outside its range and names the
 * command-line option.
 *
 * @param jobsPerSecond peak jobs per second across the queue
 * @param keys distinct keys the jobs are spread over
 * @param zipfExponent skew of the keys: key of rank k gets a share proportional to 1 / k^s (0 is
 *     uniform)
 * @param lanes lanes (message groups) of the queue's ring
 * @param jobsPerKeyBatch jobs of one key applied by one coalesced fenced write, 1 to 10; {@code
 *     NaN} to derive it from the key skew
 * @param leaseWritesPerJob lane lease writes per job (0.1 measured under a backlog: one grant per
 *     lane-batch of 10, handed over without a release); {@code NaN} to derive it from the
 *     lane-batch size
 * @param handlerMs handler time per job, besides its fenced write
 * @param sqsRoundTripMs one SQS call
 * @param dynamoDbRoundTripMs one DynamoDB call
 * @param leaseSeconds lane lease duration; the heartbeat renews every third of it
 * @param redlockNodes Redis servers of the Redlock baseline
 * @param redisNodeUsdPerHour on-demand price of one of them
 */
public record Load(
    double jobsPerSecond,
    int keys,
    double zipfExponent,
    int lanes,
    double jobsPerKeyBatch,
    double leaseWritesPerJob,
    double handlerMs,
    double sqsRoundTripMs,
    double dynamoDbRoundTripMs,
    double leaseSeconds,
    int redlockNodes,
    double redisNodeUsdPerHour) {

  /** Keys beyond this make the skew sums slow and change nothing in the figures. */
  public static final int MAX_KEYS = 10_000_000;

  public Load {
    require(
        jobsPerSecond > 0 && jobsPerSecond <= 10_000_000,
        "--jobs-per-second",
        jobsPerSecond,
        "above 0, at most 10,000,000");
    require(keys >= 1 && keys <= MAX_KEYS, "--keys", keys, "1 to " + MAX_KEYS);
    require(zipfExponent >= 0 && zipfExponent <= 5, "--zipf", zipfExponent, "0 to 5");
    require(lanes >= 1 && lanes <= 1_000_000, "--lanes", lanes, "1 to 1,000,000");
    require(
        Double.isNaN(jobsPerKeyBatch) || (jobsPerKeyBatch >= 1 && jobsPerKeyBatch <= 10),
        "--jobs-per-key-batch",
        jobsPerKeyBatch,
        "1 to 10");
    require(
        Double.isNaN(leaseWritesPerJob) || (leaseWritesPerJob >= 0 && leaseWritesPerJob <= 2),
        "--lease-writes-per-job",
        leaseWritesPerJob,
        "0 to 2");
    require(handlerMs >= 0 && handlerMs <= 60_000, "--handler-ms", handlerMs, "0 to 60000");
    require(
        sqsRoundTripMs >= 0 && sqsRoundTripMs <= 1_000,
        "--sqs-rtt-ms",
        sqsRoundTripMs,
        "0 to 1000");
    require(
        dynamoDbRoundTripMs >= 0 && dynamoDbRoundTripMs <= 1_000,
        "--dynamodb-rtt-ms",
        dynamoDbRoundTripMs,
        "0 to 1000");
    require(
        leaseSeconds >= 3 && leaseSeconds <= 3_600, "--lease-seconds", leaseSeconds, "3 to 3600");
    require(
        redlockNodes >= 1 && redlockNodes % 2 == 1 && redlockNodes <= 15,
        "--redlock-nodes",
        redlockNodes,
        "an odd number, 1 to 15");
    require(
        redisNodeUsdPerHour >= 0 && redisNodeUsdPerHour <= 1_000,
        "--redis-node-usd-per-hour",
        redisNodeUsdPerHour,
        "0 to 1000");
  }

  /** The defaults of {@code bench/run capacity}. */
  public static Load defaults() {
    return new Load(
        1_000,
        100_000,
        1.1,
        256,
        Double.NaN,
        Double.NaN,
        2,
        8,
        5,
        30,
        5,
        AwsFacts.ELASTICACHE_NODE_USD_PER_HOUR.value());
  }

  /** The same workload at another rate. */
  public Load withJobsPerSecond(double rate) {
    return new Load(
        rate,
        keys,
        zipfExponent,
        lanes,
        jobsPerKeyBatch,
        leaseWritesPerJob,
        handlerMs,
        sqsRoundTripMs,
        dynamoDbRoundTripMs,
        leaseSeconds,
        redlockNodes,
        redisNodeUsdPerHour);
  }

  /** The same workload on another number of lanes. */
  public Load withLanes(int count) {
    return new Load(
        jobsPerSecond,
        keys,
        zipfExponent,
        count,
        jobsPerKeyBatch,
        leaseWritesPerJob,
        handlerMs,
        sqsRoundTripMs,
        dynamoDbRoundTripMs,
        leaseSeconds,
        redlockNodes,
        redisNodeUsdPerHour);
  }

  private static void require(boolean ok, String option, Object value, String range) {
    if (!ok) {
      throw new IllegalArgumentException(option + " must be " + range + ", got " + value);
    }
  }
}
