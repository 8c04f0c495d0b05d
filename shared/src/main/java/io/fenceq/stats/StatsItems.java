package io.fenceq.stats;

/**
 * The stats items in the lease table and their attributes. Their ids start with {@link #PREFIX},
 * which no lease id does, so lease readers skip them.
 *
 * <ul>
 *   <li>{@code stats#worker#<workerId>}: one per worker, its totals since it started, written with
 *       {@code SET} (so a repeated write changes nothing), with {@link #UPDATED_AT} and the TTL
 *       attribute {@link #EXPIRES_AT}, so that a stopped worker's item goes away where the table
 *       has TTL enabled on it, and readers ignore it once past it where not.
 *   <li>{@code stats#lane#0042}: one per lane, the jobs enqueued to it and applied from it, added
 *       with {@code ADD} by every producer and worker. These never expire: the lane's backlog is
 *       their difference.
 * </ul>
 *
 * <p>{@link #EXPIRES_AT} is not an attribute of any lease item, so a TTL on it can never delete a
 * lease (which would restart its fence counter); {@code LeaseStore} refuses a TTL on any lease
 * attribute.
 */
public final class StatsItems {
  /** Prefix of every stats item's id. */
  public static final String PREFIX = "stats#";

  /** Prefix of a worker's stats item id, followed by the worker id. */
  public static final String WORKER_PREFIX = PREFIX + "worker#";

  /** Prefix of a lane's stats item id, followed by the lane's lease suffix ({@code lane#0042}). */
  public static final String LANE_PREFIX = PREFIX + "lane#";

  /** Number: jobs whose handler returned (worker totals; per lane, added). */
  public static final String APPLIED = "applied";

  /** Number: jobs whose handler failed. */
  public static final String FAILURES = "failures";

  /** Number: jobs stopped because their lane was lost, a newer fence having written. */
  public static final String FENCED = "fenced";

  /** Number: lanes given back because another live consumer held the lease. */
  public static final String LEASE_REFUSALS = "leaseRefusals";

  /** Number: jobs enqueued to a lane (lane items only). */
  public static final String ENQUEUED = "enqueued";

  /** Number: when the item was last written, epoch milliseconds of the writer's clock. */
  public static final String UPDATED_AT = "updatedAt";

  /** Number: epoch seconds after which a worker item is stale; the TTL attribute. */
  public static final String EXPIRES_AT = "statsExpiresAt";

  /** String: the work queue's name. */
  public static final String QUEUE = "queue";

  private StatsItems() {}

  /** The stats item id of {@code workerId}. */
  public static String workerId(String workerId) {
    return WORKER_PREFIX + workerId;
  }

  /** The stats item id of lane {@code index}: {@code stats#lane#0042}. */
  public static String laneId(int index) {
    return String.format("%slane#%04d", PREFIX, index);
  }
}
