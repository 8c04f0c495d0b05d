package io.fenceq.reshard.internal;

import io.fenceq.reshard.RingEpoch;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.util.function.IntFunction;

/**
 * What a consumer does with a job stamped with an epoch, arriving in a lane, given the ring's epoch
 * as it knows it. Pure: the rings come from {@code rings}, the epoch from the caller.
 *
 * <ul>
 *   <li>Current epoch, in its key's lane: runs, unless a reshard is under way, its key moved, and
 *       the barrier of its key's old lane is pending: then it is held until that barrier passes, so
 *       that every job of the key under the old epoch runs first (S2).
 *   <li>Previous epoch during a reshard, in its key's old lane, whose barrier is pending: runs (it
 *       is ahead of the barrier in its lane).
 *   <li>A newer epoch than the one known: the caller reads the epoch again and asks once more.
 *   <li>Anything else (an older epoch, the previous one after its lane's barrier passed, a lane
 *       that is not its key's): refused with a reason naming the key, the lane and both epochs. It
 *       goes to the dead-letter queue; it never runs out of order silently.
 * </ul>
 */
public final class EpochRule {
  private EpochRule() {}

  /** The decision. */
  public sealed interface Decision {}

  /** Run it now. */
  public record Run() implements Decision {}

  /** Run it once the barrier of {@code oldLane} has passed. */
  public record Hold(Lane oldLane) implements Decision {}

  /** Read the epoch again: the job's is newer than the one known. */
  public record Newer() implements Decision {}

  /** Never run it: dead-letter it with {@code reason}. */
  public record Refuse(String reason) implements Decision {}

  /**
   * @param now the ring's epoch as known
   * @param jobEpoch the epoch stamped on the job (0 if none)
   * @param group the lane it arrived in
   * @param key its key
   * @param rings the ring of a lane count
   */
  public static Decision decide(
      RingEpoch now, long jobEpoch, Lane group, String key, IntFunction<HashRing> rings) {
    if (jobEpoch > now.epoch()) {
      return new Newer();
    }
    if (jobEpoch == now.epoch()) {
      Lane lane = rings.apply(now.lanes()).laneFor(key);
      if (!lane.equals(group)) {
        return new Refuse(wrongLane(key, group, jobEpoch, now, lane));
      }
      if (now.resharding()) {
        Lane old = rings.apply(now.previousLanes()).laneFor(key);
        if (!old.equals(lane) && now.pending(old)) {
          return new Hold(old);
        }
      }
      return new Run();
    }
    if (jobEpoch == now.epoch() - 1 && now.previousLanes() > 0) {
      Lane old = rings.apply(now.previousLanes()).laneFor(key);
      if (!old.equals(group)) {
        return new Refuse(wrongLane(key, group, jobEpoch, now, old));
      }
      if (now.pending(group)) {
        return new Run();
      }
      return new Refuse(
          "job of key \""
              + key
              + "\" in "
              + group
              + " is of epoch "
              + jobEpoch
              + ", but the barrier of "
              + group
              + " into epoch "
              + now.epoch()
              + " has passed: jobs of moved keys may already have run under epoch "
              + now.epoch()
              + ", so running it could reorder its key (its producer did not switch epochs in"
              + " time)");
    }
    return new Refuse(
        "job of key \""
            + key
            + "\" in "
            + group
            + " is of unknown epoch "
            + jobEpoch
            + ": the ring is at "
            + now.describe()
            + "; only epoch "
            + now.epoch()
            + (now.resharding() ? " and, until their barriers pass, " + (now.epoch() - 1) : "")
            + " may run");
  }

  /**
   * The epoch a job's downstream fence is composed with ({@link io.fenceq.fence.DownstreamFence}),
   * for a job {@link #decide} lets run or hold: the job's own epoch, except that a job of the
   * previous epoch whose key keeps its lane under the current ring takes the current epoch.
   *
   * <p>Why the exception: producers switch epochs during the grace period one by one, so a key that
   * did not move can have, in its one lane, a job of the new epoch ahead of a job of the old one
   * (two producers). Both run, in that order; composed with their own epochs the second write would
   * carry the lower fence and be refused for ever. A key's lane is the same under both rings, so
   * its lane fence alone orders its jobs, and both may carry the current epoch. A moved key's jobs
   * of the previous epoch keep it: they run in the old lane before its barrier, every job of the
   * current epoch after it.
   *
   * @param now the ring's epoch as known
   * @param jobEpoch the epoch stamped on the job (0 if none)
   * @param key its key
   * @param rings the ring of a lane count
   */
  public static long fenceEpoch(
      RingEpoch now, long jobEpoch, String key, IntFunction<HashRing> rings) {
    if (jobEpoch == now.epoch() - 1 && now.previousLanes() > 0) {
      Lane old = rings.apply(now.previousLanes()).laneFor(key);
      Lane lane = rings.apply(now.lanes()).laneFor(key);
      if (old.equals(lane)) {
        return now.epoch();
      }
    }
    return jobEpoch;
  }

  private static String wrongLane(String key, Lane group, long jobEpoch, RingEpoch now, Lane lane) {
    return "job of key \""
        + key
        + "\" of epoch "
        + jobEpoch
        + " arrived in "
        + group
        + ", but the ring of epoch "
        + jobEpoch
        + " places it in "
        + lane
        + " (the ring is at "
        + now.describe()
        + ")";
  }
}
