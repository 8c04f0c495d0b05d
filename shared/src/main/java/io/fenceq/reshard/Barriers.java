package io.fenceq.reshard;

/**
 * The barrier message a reshard sends into each old lane: a message of that lane's group, behind
 * every job the old epoch's producers sent to it, that consumers recognise by {@link #ATTRIBUTE}
 * and never hand to a handler. Its body is a small JSON object for people reading the queue.
 */
public final class Barriers {
  /**
   * Message attribute (a number) that makes a message a barrier: the epoch the reshard moves to.
   * The barrier clears its lane's pending mark for that epoch only.
   */
  public static final String ATTRIBUTE = "fenceq.barrier";

  private Barriers() {}

  /** The deduplication id of the barrier of {@code laneId} into {@code epoch}. */
  public static String deduplicationId(long epoch, String laneId) {
    return "barrier-" + epoch + "-" + laneId;
  }

  /** The body of the barrier of {@code laneId} into {@code epoch}. */
  public static String body(long epoch, String laneId) {
    return "{\"barrier\":\"" + laneId + "\",\"epoch\":" + epoch + "}";
  }
}
