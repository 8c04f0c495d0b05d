package io.fenceq.local.cli;

import io.fenceq.ring.HashRing;
import io.fenceq.ring.MemberRing;
import io.fenceq.ring.RingBalance;
import io.fenceq.ring.RingMove;
import io.fenceq.ring.ScaleEvents;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
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

  @Option(
      names = "--scale",
      paramLabel = "N,N,...",
      description =
          "Worker pool sizes in turn, e.g. 4,5,8,7,3: the keys moved at each step and the spread"
              + " after it, for the ring, bounded loads and hash % N (100,000 keys unless --keys).")
  String scale;

  @Option(
      names = "--epsilon",
      defaultValue = "0.25",
      description = "With --scale: bounded loads' epsilon (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Override
  public Integer call() {
    if (scale != null) {
      return scale();
    }
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

  /** Keys placed by {@code --scale} unless {@code --keys} is given. */
  static final int SCALE_KEYS = 100_000;

  private int scale() {
    int[] sizes;
    try {
      sizes =
          Arrays.stream(scale.split(",", -1))
              .map(String::strip)
              .mapToInt(Integer::parseInt)
              .toArray();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--scale must be pool sizes separated by commas, e.g. 4,5,8,7,3, got \"" + scale + "\"");
    }
    int placed = spec.commandLine().getParseResult().hasMatchedOption("--keys") ? keys : SCALE_KEYS;
    if (placed < 1) {
      throw new IllegalArgumentException("--keys must be at least 1, got " + placed);
    }
    int virtualNodes = vnodes != null ? vnodes : MemberRing.DEFAULT_VIRTUAL_NODES;
    List<ScaleEvents.Step> steps = ScaleEvents.simulate(sizes, placed, epsilon, virtualNodes);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "worker pool %s: %,d keys, ring of %d virtual nodes per worker, bounded loads at epsilon"
            + " %s, hash %% N over the live workers%n",
        scale,
        placed,
        virtualNodes,
        epsilon);
    out.printf(
        Locale.ROOT,
        "%-9s %-34s %27s   %s%n",
        "step",
        "event",
        "keys moved: ring bounded  hash%N  ideal",
        "max/mean: ring bounded hash%N");
    for (ScaleEvents.Step step : steps) {
      String event =
          step.event().length() > 34 ? step.event().substring(0, 31) + "..." : step.event();
      out.printf(
          Locale.ROOT,
          "%-9s %-34s %16.1f%% %6.1f%% %6.1f%% %5.1f%%   %14.3f %7.3f %6.3f%n",
          step.before().size() + " -> " + step.after().size(),
          event,
          100 * step.ring().movedFraction(),
          100 * step.bounded().movedFraction(),
          100 * step.modulo().movedFraction(),
          100 * step.idealFraction(),
          step.ringMaxOverMean(),
          step.boundedMaxOverMean(),
          step.moduloMaxOverMean());
    }
    out.printf(
        Locale.ROOT,
        "RESULT scale=%s keys=%d ring_moved=%s bounded_moved=%s modulo_moved=%s ideal_moved=%s"
            + " ring_max_over_mean=%s bounded_max_over_mean=%s%n",
        scale.replace(" ", ""),
        placed,
        joined(steps, "%.4f", s -> s.ring().movedFraction()),
        joined(steps, "%.4f", s -> s.bounded().movedFraction()),
        joined(steps, "%.4f", s -> s.modulo().movedFraction()),
        joined(steps, "%.4f", ScaleEvents.Step::idealFraction),
        joined(steps, "%.3f", ScaleEvents.Step::ringMaxOverMean),
        joined(steps, "%.3f", ScaleEvents.Step::boundedMaxOverMean));
    return 0;
  }

  /** One figure of every step, comma-separated, for the RESULT line. */
  private static String joined(
      List<ScaleEvents.Step> steps, String format, ToDoubleFunction<ScaleEvents.Step> figure) {
    return steps.stream()
        .map(step -> String.format(Locale.ROOT, format, figure.applyAsDouble(step)))
        .collect(Collectors.joining(","));
  }
}
