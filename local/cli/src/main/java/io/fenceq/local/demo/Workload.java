package io.fenceq.local.demo;

import io.fenceq.examples.inventory.Inventory;
import io.fenceq.queue.JobRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The demo's jobs: {@code jobs} reservations over {@code skus} SKUs, keys drawn from a Zipf
 * distribution so that a few SKUs are hot, each asking for 1 to {@link #MAX_QTY} units. The same
 * seed gives the same jobs.
 *
 * <p>Each job carries its place among its SKU's jobs ({@code n} = 0, 1, 2, ... in enqueue order),
 * which the handler appends to the SKU's journal: the journal then shows which jobs took effect and
 * in which order, from DynamoDB alone.
 *
 * @param jobs the jobs in the order they are enqueued
 * @param skus how many SKUs ({@code sku-0} to {@code sku-<skus-1>})
 */
public record Workload(List<PlannedJob> jobs, int skus) {
  /** Largest quantity one reservation asks for. */
  public static final int MAX_QTY = 2;

  /**
   * Zipf exponent: with 200 SKUs the hottest gets about 7% of the jobs, the coldest 0.2%. One SKU's
   * jobs run one at a time, so the hottest SKU bounds how fast a run can end.
   */
  public static final double ZIPF_EXPONENT = 0.7;

  public Workload {
    jobs = List.copyOf(jobs);
  }

  /**
   * One reservation job.
   *
   * @param index its place in the whole workload
   * @param sku its key
   * @param n its place among its SKU's jobs
   * @param qty units it reserves
   */
  public record PlannedJob(int index, String sku, int n, int qty) {
    /** The job's id: unique within a workload, stable for a seed. */
    public String jobId() {
      return "demo-" + index;
    }

    /** The request to enqueue. */
    public JobRequest request() {
      return JobRequest.ofJson(sku, Inventory.RESERVE, "{\"qty\":" + qty + ",\"n\":" + n + "}")
          .withJobId(jobId());
    }
  }

  /**
   * @throws IllegalArgumentException if {@code jobs} or {@code skus} is below 1
   */
  public static Workload generate(int jobs, int skus, long seed) {
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
    }
    if (skus < 1) {
      throw new IllegalArgumentException("skus must be at least 1, got " + skus);
    }
    Random random = new Random(seed);
    double[] cumulative = zipfCumulative(skus);
    // Rank 0 is the hottest; shuffle so that hot SKUs are not simply sku-0, sku-1, ...
    List<Integer> skuOfRank = new ArrayList<>();
    for (int i = 0; i < skus; i++) {
      skuOfRank.add(i);
    }
    Collections.shuffle(skuOfRank, random);
    int[] perSku = new int[skus];
    List<PlannedJob> planned = new ArrayList<>(jobs);
    for (int i = 0; i < jobs; i++) {
      int sku = skuOfRank.get(rank(cumulative, random.nextDouble()));
      int qty = 1 + random.nextInt(MAX_QTY);
      planned.add(new PlannedJob(i, "sku-" + sku, perSku[sku]++, qty));
    }
    return new Workload(planned, skus);
  }

  private static double[] zipfCumulative(int skus) {
    double[] cumulative = new double[skus];
    double sum = 0;
    for (int k = 0; k < skus; k++) {
      sum += 1 / Math.pow(k + 1, ZIPF_EXPONENT);
      cumulative[k] = sum;
    }
    for (int k = 0; k < skus; k++) {
      cumulative[k] /= sum;
    }
    return cumulative;
  }

  private static int rank(double[] cumulative, double u) {
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
