package io.fenceq.local.demo;

/**
 * What a demo run's reshard did ({@link DemoOptions#reshardTo()}), and what the ring predicts.
 *
 * @param epoch the epoch it began, 0 if it never did
 * @param lanesBefore the lane count before
 * @param lanesAfter the lane count after
 * @param barriersSent barriers sent, one per old lane
 * @param barriersPassed of those, the ones that passed
 * @param movedKeys the demo's keys the producer routed to two lanes
 * @param keys the demo's keys the producer routed
 * @param predictedDemoKeys the fraction of the demo's SKUs whose lane differs between the rings
 * @param predicted the fraction the ring predicts over 100,000 synthetic keys ({@code
 *     Resharding.predictedMove})
 * @param failure why the reshard failed, or null
 */
public record ReshardFigures(
    long epoch,
    int lanesBefore,
    int lanesAfter,
    int barriersSent,
    int barriersPassed,
    int movedKeys,
    int keys,
    double predictedDemoKeys,
    double predicted,
    String failure) {
  /** The fraction of the routed keys that the producer routed to two lanes. */
  public double movedFraction() {
    return keys == 0 ? 0 : (double) movedKeys / keys;
  }
}
