package io.fenceq.bench.support;

import io.fenceq.examples.inventory.Inventory;
import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The inventory workload every benchmark drains: {@code reserve {"qty":1}} jobs on SKUs. */
public final class Workload {
  /** Messages of one group that one receive can hand out. */
  public static final int MAX_LANE_BATCH = 10;

  private Workload() {}

  /**
   * Enqueues {@code jobs} reserve jobs round-robin over {@code skus}, so every lane the SKUs fall
   * in has a backlog.
   *
   * @throws IllegalStateException if any job was not accepted
   */
  public static void enqueue(
      SqsClient sqs, String queueUrl, HashRing ring, List<String> skus, int jobs) {
    enqueue(sqs, queueUrl, ring, skus, jobs, KeyMix.UNIFORM, new Random(1));
  }

  /** How a workload's jobs spread over its keys. */
  public enum KeyMix {
    /** Round-robin: every key gets the same number of jobs. */
    UNIFORM,
    /** Zipf with exponent {@value #ZIPF_EXPONENT}: a few keys get most of the jobs. */
    ZIPF;

    public static final double ZIPF_EXPONENT = 1.1;

    public String option() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Enqueues {@code jobs} reserve jobs over {@code skus} as {@code mix} spreads them, keys drawn
   * from {@code random}.
   *
   * @return the jobs enqueued per lane
   * @throws IllegalStateException if any job was not accepted
   */
  public static Map<Lane, Integer> enqueue(
      SqsClient sqs,
      String queueUrl,
      HashRing ring,
      List<String> skus,
      int jobs,
      KeyMix mix,
      Random random) {
    double[] cumulative = mix == KeyMix.ZIPF ? zipf(skus.size()) : null;
    Enqueuer enqueuer = Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(ring).build();
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<JobRequest> batch = new ArrayList<>(1000);
    Map<Lane, Integer> perLane = new HashMap<>();
    for (int i = 0; i < jobs; i++) {
      String sku =
          cumulative == null ? skus.get(i % skus.size()) : skus.get(draw(cumulative, random));
      perLane.merge(ring.laneFor(sku), 1, Integer::sum);
      batch.add(JobRequest.ofJson(sku, Inventory.RESERVE, "{\"qty\":1}").withJobId(run + "-" + i));
      if (batch.size() == 1000 || i == jobs - 1) {
        BatchEnqueueResult result = enqueuer.enqueueAll(batch);
        if (!result.failed().isEmpty()) {
          throw new IllegalStateException(
              result.failed().size() + " jobs were not enqueued, e.g. " + result.failed().get(0));
        }
        batch.clear();
      }
    }
    return perLane;
  }

  /**
   * The fewest lease writes per job a backlog of {@code jobsPerLane} allows: SQS FIFO hands out at
   * most {@value #MAX_LANE_BATCH} messages of a group per receive, and each lane-batch pays one
   * grant (a batch whose messages are all deleted hands the lease to the lane's next batch instead
   * of releasing it), so a lane of n jobs needs at least ceil(n / 10) writes. 0.1 only when every
   * lane's backlog is a multiple of ten.
   */
  public static double leaseWritesFloor(Map<Lane, Integer> jobsPerLane) {
    long writes = 0;
    long jobs = 0;
    for (int n : jobsPerLane.values()) {
      writes += (n + MAX_LANE_BATCH - 1) / MAX_LANE_BATCH;
      jobs += n;
    }
    return jobs == 0 ? 0 : writes / (double) jobs;
  }

  /** The cumulative Zipf distribution over {@code n} ranks. */
  static double[] zipf(int n) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int k = 1; k <= n; k++) {
      sum += 1 / Math.pow(k, KeyMix.ZIPF_EXPONENT);
      cumulative[k - 1] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
    return cumulative;
  }

  private static int draw(double[] cumulative, Random random) {
    int i = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
    return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
  }

  /**
   * The reserve without coordination, as a consumer without lease or fence would write it: take one
   * unit if there is one. A refusal (no stock) is a business answer and counts as done.
   */
  public static void plainReserve(DynamoDbClient dynamoDb, String table, String messageBody) {
    String sku = JobEnvelope.parse(messageBody).key();
    try {
      dynamoDb.updateItem(
          r ->
              r.tableName(table)
                  .key(Map.of(Inventory.SKU, AttributeValue.fromS(sku)))
                  .updateExpression("SET #stock = #stock - :one, #reserved = #reserved + :one")
                  .conditionExpression("#stock >= :one")
                  .expressionAttributeNames(Map.of("#stock", "stock", "#reserved", "reserved"))
                  .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
    } catch (ConditionalCheckFailedException e) {
      // out of stock: refused, and done
    }
  }
}
