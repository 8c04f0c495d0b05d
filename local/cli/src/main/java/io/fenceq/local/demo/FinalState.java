package io.fenceq.local.demo;

import java.util.List;
import java.util.Map;

/**
 * What DynamoDB and SQS hold at the end of a run: the checker's ground truth, read from the
 * services rather than from what the workers said they did.
 *
 * @param items the inventory items by SKU
 * @param deadLetters the messages in the dead-letter queue
 * @param messagesLeft messages still in the work queue, visible or in flight
 * @param leaseAcquisitions grants of lane leases: the sum of the lane lease items' fences
 */
public record FinalState(
    Map<String, SkuItem> items,
    List<DeadLetter> deadLetters,
    long messagesLeft,
    long leaseAcquisitions) {

  public FinalState {
    items = Map.copyOf(items);
    deadLetters = List.copyOf(deadLetters);
  }

  /**
   * One SKU's item.
   *
   * @param journal the places among the SKU's jobs of the jobs whose writes were accepted, in the
   *     order they were
   * @param fences the fence each of those writes carried, in the same order
   */
  public record SkuItem(
      String sku,
      long stock,
      long reserved,
      long rejected,
      List<Integer> journal,
      List<Long> fences) {
    public SkuItem {
      journal = List.copyOf(journal);
      fences = List.copyOf(fences);
    }
  }

  /**
   * A job in the dead-letter queue.
   *
   * @param reason the {@code fenceq.reason} the engine gave, or a {@link #redriven} label when SQS
   *     moved it there after its receive count ran out
   */
  public record DeadLetter(String jobId, String sku, String reason) {
    /**
     * How the reason of a job that SQS's redrive policy moved begins: it has no reason attribute.
     * The engine dead-letters a failing job itself, with a reason, after its {@code maxAttempts}
     * real failures; a job that arrives without one was moved by SQS counting receives, unrun
     * returns included, so it is worth a look (a queue whose {@code maxReceiveCount} is too low, a
     * failure record that could not be written, a consumer that died while the job ran).
     */
    public static final String REDRIVEN = "redriven by SQS";

    /** The same as {@link #redriven(int)} when the receive count is unknown. */
    public static final String REDRIVEN_UNCOUNTED = REDRIVEN + " (no fenceq reason)";

    /**
     * The label of a job SQS moved after {@code receives} receives on the work queue, or {@link
     * #REDRIVEN_UNCOUNTED} when {@code receives} is not positive.
     */
    public static String redriven(int receives) {
      return receives < 1
          ? REDRIVEN_UNCOUNTED
          : REDRIVEN + " after " + receives + " receives (no fenceq reason)";
    }

    /** Whether SQS's redrive moved this job, rather than the engine with a reason. */
    public boolean isRedriven() {
      return reason != null && reason.startsWith(REDRIVEN);
    }
  }
}
