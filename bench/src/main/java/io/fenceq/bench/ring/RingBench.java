package io.fenceq.bench.ring;

import io.fenceq.bench.support.Report;
import io.fenceq.ring.BoundedLoads;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.ring.MemberRing;
import io.fenceq.ring.RingBalance;
import io.fenceq.ring.RingChange;
import io.fenceq.ring.RingMove;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bench/run ring}: lookup latency by JMH, then balance (busiest member over the mean) and
 * the fraction of keys that move when a member is added, for fenceq's ring (plain, and with bounded
 * loads at epsilon 0.25), Guava's consistent hash, jump consistent hash, rendezvous hashing and
 * {@code hash % N}, at N = 4, 16, 256 and 1024.
 */
public final class RingBench {
  private static final int[] SIZES = {4, 16, 256, 1024};
  static final double EPSILON = 0.25;

  private final Report report;
  private final boolean smoke;

  public RingBench(Report report, boolean smoke) {
    this.report = report;
    this.smoke = smoke;
  }

  public void run() throws RunnerException {
    int keys = smoke ? 20_000 : 1_000_000;
    // The same keys as the other columns: balance depends on how many keys there are per member.
    int boundedKeys = keys;
    report.parameter("members N", "4, 16, 256, 1024");
    report.parameter("virtual nodes per member (fenceq)", HashRing.DEFAULT_VIRTUAL_NODES);
    report.parameter("keys for balance and movement", keys);
    report.parameter("bounded loads epsilon", EPSILON);
    report.parameter(
        "JMH",
        smoke
            ? "smoke: no fork, 1 x 100 ms warm-up, 1 x 100 ms"
            : "1 fork, 3 x 1 s warm-up, 5 x 1 s");
    report.progress("JMH lookup latency (%s)", smoke ? "smoke" : "about 2 minutes");
    Map<String, Double> nanos = lookups();
    long[] hashes = new long[keys];
    for (int i = 0; i < keys; i++) {
      hashes[i] = Placements.hash("key-" + i);
    }
    List<List<String>> latency = new ArrayList<>();
    List<List<String>> balance = new ArrayList<>();
    List<List<String>> movement = new ArrayList<>();
    Map<String, Object> result = new LinkedHashMap<>();
    for (int n : SIZES) {
      report.progress("balance and movement, N=%d, %d keys", n, keys);
      HashRing ring = HashRing.of(n);
      RingBalance ringBalance = RingBalance.measure(ring, keys);
      RingMove ringMove = RingMove.between(ring, ring.withLanes(n + 1), keys);
      Bounded bounded = bounded(n, boundedKeys);
      long[] seeds = Placements.rendezvousSeeds(n + 1);
      Placement rendezvous = (h, m) -> Placements.rendezvous(h, seeds, m);
      Map<String, Placement> others = new LinkedHashMap<>();
      others.put("guava", Placements::guava);
      others.put("jump", Placements::jump);
      others.put("rendezvous", rendezvous);
      others.put("modulo", Placements::modulo);
      Map<String, Double> spread = new LinkedHashMap<>();
      Map<String, Double> moved = new LinkedHashMap<>();
      for (Map.Entry<String, Placement> e : others.entrySet()) {
        spread.put(e.getKey(), balance(hashes, n, e.getValue()));
        moved.put(e.getKey(), moved(hashes, n, e.getValue()));
      }
      String size = Integer.toString(n);
      latency.add(
          List.of(
              size,
              ns(nanos.get("fenceqRing:" + n)),
              ns(nanos.get("guavaConsistentHash:" + n)),
              ns(nanos.get("jumpConsistentHash:" + n)),
              ns(nanos.get("rendezvous:" + n)),
              ns(nanos.get("modulo:" + n))));
      balance.add(
          List.of(
              size,
              Report.format(ringBalance.maxOverMean()),
              Report.format(bounded.maxOverMean()),
              Report.format(spread.get("guava")),
              Report.format(spread.get("jump")),
              Report.format(spread.get("rendezvous")),
              Report.format(spread.get("modulo"))));
      movement.add(
          List.of(
              size,
              Report.format(ringMove.movedFraction()),
              Report.format(bounded.moved()),
              Report.format(moved.get("guava")),
              Report.format(moved.get("jump")),
              Report.format(moved.get("rendezvous")),
              Report.format(moved.get("modulo")),
              Report.format(ringMove.idealFraction())));
      String p = "N" + n + "_";
      result.put(p + "ring_ns", nanos.get("fenceqRing:" + n));
      result.put(p + "guava_ns", nanos.get("guavaConsistentHash:" + n));
      result.put(p + "jump_ns", nanos.get("jumpConsistentHash:" + n));
      result.put(p + "rendezvous_ns", nanos.get("rendezvous:" + n));
      result.put(p + "modulo_ns", nanos.get("modulo:" + n));
      result.put(p + "ring_max_over_mean", ringBalance.maxOverMean());
      result.put(p + "bounded_max_over_mean", bounded.maxOverMean());
      result.put(p + "jump_max_over_mean", spread.get("jump"));
      result.put(p + "rendezvous_max_over_mean", spread.get("rendezvous"));
      result.put(p + "modulo_max_over_mean", spread.get("modulo"));
      result.put(p + "ring_moved", ringMove.movedFraction());
      result.put(p + "bounded_moved", bounded.moved());
      result.put(p + "modulo_moved", moved.get("modulo"));
    }
    List<String> names =
        List.of("fenceq ring", "ring, bounded loads", "Guava", "jump", "rendezvous", "hash % N");
    report.table(
        "Lookup latency, ns/op",
        List.of("N", "fenceq ring", "Guava consistentHash", "jump", "rendezvous", "hash % N"),
        latency);
    report.table("Balance: the busiest member's keys over the mean", prepend("N", names), balance);
    report.table(
        "Keys moved when a member is added (N to N + 1)",
        append(prepend("N", names), "ideal, 1/(N+1)"),
        movement);
    report.note(
        "Reading it",
        """
        Every column hashes the key's UTF-8 bytes with MurmurHash3 x64-128 first; they differ in
        placement only. Jump and Guava's consistent hash balance and move ideally and cost no
        memory, but can only add or remove the last bucket: a member that crashes in the middle
        cannot leave without renumbering. Rendezvous hashing balances and moves ideally and can
        lose any member, but a lookup scores every member, so it grows with N. fenceq's ring can
        lose any member in O(log(N x V)) a lookup, paying with memory (V points per member) and a
        little imbalance. Bounded loads cap the busiest member at 1 + epsilon of the keys in use;
        with a million keys the ring never comes near 1.25, so they change nothing here. They bite
        when keys are few per member (fenceq ring --scale 4,5,8,7,3 --keys 1000 --vnodes 16: the
        busiest worker at 1.36 of the mean, 1.25 with them), at the cost of a few more moves.
        hash % N moves almost every key when N changes, which on a FIFO queue would reorder nearly
        every key.""");
    report.result(result);
  }

  private record Bounded(double maxOverMean, double moved) {}

  /** Bounded loads at {@link #EPSILON} over the lane ids of an N- and an N+1-member ring. */
  private static Bounded bounded(int n, int keys) {
    List<String> used = RingChange.syntheticKeys(keys);
    MemberRing before = MemberRing.of(laneIds(n));
    MemberRing after = before.with(new Lane(n).id());
    Map<String, String> assignedBefore = BoundedLoads.of(before, EPSILON).assign(used);
    Map<String, String> assignedAfter = BoundedLoads.of(after, EPSILON).assign(used);
    int max =
        BoundedLoads.of(before, EPSILON).loads(assignedBefore).values().stream()
            .mapToInt(Integer::intValue)
            .max()
            .orElseThrow();
    double moved = RingChange.between(assignedBefore, assignedAfter).movedFraction();
    return new Bounded(max / ((double) keys / n), moved);
  }

  private static List<String> laneIds(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(new Lane(i).id());
    }
    return ids;
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }

  private static List<String> append(List<String> all, String last) {
    List<String> more = new ArrayList<>(all);
    more.add(last);
    return more;
  }

  private Map<String, Double> lookups() throws RunnerException {
    OptionsBuilder options = new OptionsBuilder();
    options.include(RingLookup.class.getName());
    if (smoke) {
      options
          .forks(0)
          .warmupIterations(1)
          .warmupTime(TimeValue.milliseconds(100))
          .measurementIterations(1)
          .measurementTime(TimeValue.milliseconds(100));
    } else {
      options
          .forks(1)
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(1));
    }
    Options built = options.shouldFailOnError(true).build();
    Map<String, Double> nanos = new LinkedHashMap<>();
    for (RunResult r : new Runner(built).run()) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      nanos.put(method + ":" + r.getParams().getParam("lanes"), r.getPrimaryResult().getScore());
    }
    return nanos;
  }

  private static String ns(Double v) {
    return v == null ? "n/a" : Report.format(v);
  }

  private interface Placement {
    int place(long hash, int members);
  }

  private static double balance(long[] hashes, int members, Placement placement) {
    long[] counts = new long[members];
    for (long h : hashes) {
      counts[placement.place(h, members)]++;
    }
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    return max / ((double) hashes.length / members);
  }

  private static double moved(long[] hashes, int members, Placement placement) {
    int moved = 0;
    for (long h : hashes) {
      if (placement.place(h, members) != placement.place(h, members + 1)) {
        moved++;
      }
    }
    return (double) moved / hashes.length;
  }
}
