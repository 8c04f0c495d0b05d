package io.fenceq.queue.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a run of messages into SQS send batches without reordering them: at most {@code maxEntries}
 * messages and {@code maxBytes} in total per batch (SQS counts the sum of the messages against the
 * same limit as one message). Order matters because jobs of one key must reach their lane in the
 * order the caller gave them.
 */
public final class BatchPlanner {
  /** Half-open index range {@code [from, to)} of one batch. */
  public record Batch(int from, int to) {
    public int size() {
      return to - from;
    }
  }

  private BatchPlanner() {}

  /**
   * @param sizes the size in bytes of each message, each at most {@code maxBytes}
   */
  public static List<Batch> plan(int[] sizes, int maxEntries, int maxBytes) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
    }
    List<Batch> batches = new ArrayList<>();
    int from = 0;
    long bytes = 0;
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] > maxBytes) {
        throw new IllegalArgumentException(
            "message " + i + " is " + sizes[i] + " bytes, more than the batch limit " + maxBytes);
      }
      boolean full = i - from == maxEntries || bytes + sizes[i] > maxBytes;
      if (full) {
        batches.add(new Batch(from, i));
        from = i;
        bytes = 0;
      }
      bytes += sizes[i];
    }
    if (from < sizes.length) {
      batches.add(new Batch(from, sizes.length));
    }
    return batches;
  }
}
