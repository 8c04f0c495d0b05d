package io.fenceq.worker;

/**
 * What a worker has done since it started, by message: for a progress line or a health check.
 *
 * @param batches non-empty receives
 * @param received messages received
 * @param done jobs whose handler returned (deleted)
 * @param returned messages given back to the queue (a failed job and the rest of its lane, a lane
 *     another consumer held, or a shutdown)
 * @param lost messages left to come back on their own because their lane was lost
 * @param deadLettered messages sent to the dead-letter queue as permanent errors
 * @param lanesInFlight lanes running or waiting to run now
 */
public record WorkerProgress(
    long batches,
    long received,
    long done,
    long returned,
    long lost,
    long deadLettered,
    int lanesInFlight) {

  /** The sum of two workers' progress. */
  public WorkerProgress plus(WorkerProgress other) {
    return new WorkerProgress(
        batches + other.batches,
        received + other.received,
        done + other.done,
        returned + other.returned,
        lost + other.lost,
        deadLettered + other.deadLettered,
        lanesInFlight + other.lanesInFlight);
  }

  /** No progress at all. */
  public static WorkerProgress none() {
    return new WorkerProgress(0, 0, 0, 0, 0, 0, 0);
  }

  @Override
  public String toString() {
    return "batches="
        + batches
        + " received="
        + received
        + " done="
        + done
        + " returned="
        + returned
        + " lost="
        + lost
        + " deadLettered="
        + deadLettered
        + " lanesInFlight="
        + lanesInFlight;
  }
}
