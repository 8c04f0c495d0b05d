package io.fenceq.worker.internal;

/**
 * How many messages a receive asks for. Lane slots count lanes, a receive counts messages, and how
 * many messages a lane brings depends on the queue: with a backlog SQS FIFO fills a receive from
 * one message group where it can (ten messages, one lane), while a queue of many groups with one
 * message each brings one lane per message. Asking only for as many messages as there are free
 * slots would, with a backlog, make every receive bring one job: one lease acquire and release per
 * job instead of per ten.
 *
 * <p>So the sizer keeps an estimate of the messages per lane the queue hands out and asks for free
 * slots times that, between 1 and 10. A receive that came back full from a single lane says only
 * that the lane may hold more: the estimate then at least doubles instead of falling. Pure logic,
 * thread-safe.
 */
public final class ReceiveSizer {
  private static final double SMOOTHING = 0.5;

  private final int most;
  private double messagesPerLane;

  /**
   * @param most the most messages one receive may ask for (SQS: 10)
   */
  public ReceiveSizer(int most) {
    if (most < 1) {
      throw new IllegalArgumentException("a receive must ask for at least 1 message, got " + most);
    }
    this.most = most;
    this.messagesPerLane = 1;
  }

  /** The messages to ask for with {@code freeSlots} lanes of room (at least 1 is assumed). */
  public synchronized int ask(int freeSlots) {
    long wanted = Math.round(Math.max(1, freeSlots) * messagesPerLane);
    return (int) Math.max(1, Math.min(most, wanted));
  }

  /**
   * Learns from a receive that asked for {@code asked} and brought {@code messages} on {@code
   * lanes}.
   */
  public synchronized void observed(int asked, int messages, int lanes) {
    if (messages <= 0 || lanes <= 0) {
      return; // an empty receive says nothing about the queue's shape
    }
    if (messages >= asked && lanes == 1) {
      messagesPerLane = Math.min(most, Math.max(messagesPerLane, 2.0 * messages));
      return;
    }
    double seen = messages / (double) lanes;
    messagesPerLane = SMOOTHING * messagesPerLane + (1 - SMOOTHING) * seen;
  }

  /** The current estimate, for tests and logs. */
  public synchronized double messagesPerLane() {
    return messagesPerLane;
  }
}
