package io.fenceq.local.cli;

import io.fenceq.ring.HashRing;
import io.fenceq.ring.RingBalance;
import io.fenceq.ring.RingMove;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fenceq ring}: how evenly the ring spreads keys, and how many move when lanes are added.
 */
@Command(
    name = "ring",
    mixinStandardHelpOptions = true,
    subcommands = RingLaneCommand.class,
    description = {
      "Places N synthetic keys (key-0 .. key-N-1) on the ring and prints keys per lane: max/mean,"
          + " min/mean and the coefficient of variation; with --add K, the fraction of keys that"
          + " move when K lanes are added, against the ideal K/(L+K).",
      "The last line is machine-readable: RESULT lanes=… keys=… max_over_mean=… cv=… moved=…"
          + " ideal_moved=…",
      "fenceq ring lane KEY... prints the lane of each key (see its --help)."
    })
final class RingCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--lanes",
      defaultValue = "256",
      description = "Lanes L (default: ${DEFAULT-VALUE}).")
  int lanes;

  @Option(
      names = "--keys",
      defaultValue = "1000000",
      description = "Synthetic keys N (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--add", defaultValue = "0", description = "Lanes K to add (default: none).")
  int add;

  @Option(
      names = "--vnodes",
      description =
          "Virtual nodes per lane (default: the ring's, " + HashRing.DEFAULT_VIRTUAL_NODES + ").")
  Integer vnodes;

  @Override
  public Integer call() {
    if (keys < 1) {
      throw new IllegalArgumentException("--keys must be at least 1, got " + keys);
    }
    if (add < 0) {
      throw new IllegalArgumentException("--add must not be negative, got " + add);
    }
    HashRing.Builder builder = HashRing.builder().lanes(lanes);
    if (vnodes != null) {
      builder.virtualNodes(vnodes);
    }
    HashRing ring = builder.build();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "ring %s: %d lanes x %d virtual nodes, %,d keys%n",
        ring.descriptor(),
        ring.laneCount(),
        ring.virtualNodes(),
        keys);
    RingBalance balance = RingBalance.measure(ring, keys);
    out.printf(
        Locale.ROOT,
        "keys per lane: mean %.1f, max %d (%.4f x mean), min %d (%.4f x mean), cv %.4f%n",
        balance.meanKeys(),
        balance.maxKeys(),
        balance.maxOverMean(),
        balance.minKeys(),
        balance.minOverMean(),
        balance.coefficientOfVariation());
    String moved = "n/a";
    String ideal = "n/a";
    if (add > 0) {
      RingMove move = RingMove.between(ring, ring.withLanes(lanes + add), keys);
      moved = String.format(Locale.ROOT, "%.6f", move.movedFraction());
      ideal = String.format(Locale.ROOT, "%.6f", move.idealFraction());
      out.printf(
          Locale.ROOT,
          "adding %d lane(s): %,d keys moved (%s), ideal %s, ratio %.3f%n",
          add,
          move.movedKeys(),
          moved,
          ideal,
          move.movedOverIdeal());
    }
    out.printf(
        Locale.ROOT,
        "RESULT lanes=%d keys=%d max_over_mean=%.4f cv=%.4f moved=%s ideal_moved=%s%n",
        ring.laneCount(),
        keys,
        balance.maxOverMean(),
        balance.coefficientOfVariation(),
        moved,
        ideal);
    return 0;
  }
}
