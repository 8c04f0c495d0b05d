package io.fenceq.reshard;

import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ring a queue runs on, as its lease table says: the epoch, the lane count of that epoch, and
 * while a reshard from the previous epoch is under way, the previous lane count and the old lanes
 * whose barrier has not yet passed.
 *
 * <p>Epoch 0 is the ring before any reshard: no item in the table, the lane count the producers and
 * consumers are configured with. A reshard advances the epoch by exactly one and lists every old
 * lane as pending; each barrier clears its own lane; the reshard is over when none is pending.
 *
 * @param epoch the current epoch, 0 before any reshard
 * @param lanes the lane count of the current epoch
 * @param previousLanes the lane count of the previous epoch, 0 at epoch 0
 * @param pending the indices of the old lanes whose barrier has not passed, empty when no reshard
 *     is under way
 */
public record RingEpoch(long epoch, int lanes, int previousLanes, SortedSet<Integer> pending) {

  public RingEpoch {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be at least 0, got " + epoch);
    }
    checkLanes("lanes", lanes);
    if (epoch == 0 ? previousLanes != 0 : previousLanes < 1 || previousLanes > HashRing.MAX_LANES) {
      throw new IllegalArgumentException(
          "previousLanes must be 0 at epoch 0 and 1.."
              + HashRing.MAX_LANES
              + " after, got "
              + previousLanes
              + " at epoch "
              + epoch);
    }
    pending = Collections.unmodifiableSortedSet(new TreeSet<>(pending));
    for (int lane : pending) {
      if (lane < 0 || lane >= previousLanes) {
        throw new IllegalArgumentException(
            "pending barrier of lane "
                + lane
                + " is not a lane of the previous ring of "
                + previousLanes
                + " lanes");
      }
    }
  }

  /** The ring before any reshard: epoch 0 with the configured lane count. */
  public static RingEpoch initial(int lanes) {
    return new RingEpoch(0, lanes, 0, new TreeSet<>());
  }

  /** Whether a reshard into this epoch is under way: some old lane's barrier has not passed. */
  public boolean resharding() {
    return !pending.isEmpty();
  }

  /** Whether the barrier of the previous epoch's {@code lane} has yet to pass. */
  public boolean pending(Lane lane) {
    return pending.contains(lane.index());
  }

  /**
   * The next epoch, with {@code newLanes} lanes and every lane of this one pending.
   *
   * @throws ReshardException if a reshard is still under way, or the lane count does not change
   */
  public RingEpoch next(int newLanes) {
    checkLanes("lanes", newLanes);
    if (resharding()) {
      throw new ReshardException(
          "a reshard to epoch "
              + epoch
              + " ("
              + previousLanes
              + " -> "
              + lanes
              + " lanes) is still under way: "
              + pending.size()
              + " barrier(s) pending");
    }
    if (newLanes == lanes) {
      throw new ReshardException("the ring already has " + lanes + " lanes at epoch " + epoch);
    }
    TreeSet<Integer> all = new TreeSet<>();
    for (int i = 0; i < lanes; i++) {
      all.add(i);
    }
    return new RingEpoch(epoch + 1, newLanes, lanes, all);
  }

  /** This epoch with the barrier of old lane {@code lane} passed. */
  public RingEpoch cleared(Lane lane) {
    TreeSet<Integer> rest = new TreeSet<>(pending);
    rest.remove(lane.index());
    return new RingEpoch(epoch, lanes, previousLanes, rest);
  }

  /** One line for logs and the CLI. */
  public String describe() {
    if (!resharding()) {
      return "epoch " + epoch + " with " + lanes + " lanes";
    }
    return "epoch "
        + epoch
        + " with "
        + lanes
        + " lanes, resharding from "
        + previousLanes
        + " lanes: "
        + pending.size()
        + " of "
        + previousLanes
        + " barriers pending";
  }

  private static void checkLanes(String name, int lanes) {
    if (lanes < 1 || lanes > HashRing.MAX_LANES) {
      throw new IllegalArgumentException(
          name + " must be between 1 and " + HashRing.MAX_LANES + ", got " + lanes);
    }
  }
}
