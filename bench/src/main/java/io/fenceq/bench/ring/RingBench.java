package io.fenceq.bench.ring;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.fenceq.bench.support.Report;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.RingBalance;
import io.fenceq.ring.RingMove;
import java.nio.charset.StandardCharsets;
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
 * {@code bench/run ring}: lookup latency by JMH, then balance (busiest lane over the mean) and the
 * fraction of keys that move when a lane is added, for fenceq's ring, Guava's consistent hash and a
 * modulo.
 */
public final class RingBench {
  private static final int[] LANES = {16, 256, 1024};
  private static final HashFunction MURMUR = Hashing.murmur3_128();

  private final Report report;
  private final boolean smoke;

  public RingBench(Report report, boolean smoke) {
    this.report = report;
    this.smoke = smoke;
  }

  public void run() throws RunnerException {
    int keys = smoke ? 20_000 : 1_000_000;
    report.parameter("lanes", "16, 256, 1024");
    report.parameter("virtual nodes per lane (fenceq)", HashRing.DEFAULT_VIRTUAL_NODES);
    report.parameter("keys for balance and movement", keys);
    report.parameter(
        "JMH",
        smoke
            ? "smoke: no fork, 1 x 100 ms warm-up, 1 x 100 ms"
            : "1 fork, 3 x 1 s warm-up, 5 x 1 s");
    report.progress("JMH lookup latency (%s)", smoke ? "smoke" : "about 1 minute");
    Map<String, Double> nanos = lookups();
    List<List<String>> rows = new ArrayList<>();
    Map<String, Object> result = new LinkedHashMap<>();
    for (int lanes : LANES) {
      report.progress("balance and movement, L=%d, %d keys", lanes, keys);
      HashRing ring = HashRing.of(lanes);
      RingBalance balance = RingBalance.measure(ring, keys);
      RingMove move = RingMove.between(ring, ring.withLanes(lanes + 1), keys);
      double guavaBalance = balance(keys, lanes, Hashing::consistentHash);
      double moduloBalance = balance(keys, lanes, RingBench::modulo);
      double guavaMoved = moved(keys, lanes, Hashing::consistentHash);
      double moduloMoved = moved(keys, lanes, RingBench::modulo);
      rows.add(
          List.of(
              Integer.toString(lanes),
              ns(nanos.get("fenceqRing:" + lanes)),
              ns(nanos.get("guavaConsistentHash:" + lanes)),
              ns(nanos.get("modulo:" + lanes)),
              Report.format(balance.maxOverMean()),
              Report.format(guavaBalance),
              Report.format(moduloBalance),
              Report.format(move.movedFraction()),
              Report.format(guavaMoved),
              Report.format(moduloMoved),
              Report.format(move.idealFraction())));
      result.put("L" + lanes + "_ring_ns", nanos.get("fenceqRing:" + lanes));
      result.put("L" + lanes + "_guava_ns", nanos.get("guavaConsistentHash:" + lanes));
      result.put("L" + lanes + "_modulo_ns", nanos.get("modulo:" + lanes));
      result.put("L" + lanes + "_ring_max_over_mean", balance.maxOverMean());
      result.put("L" + lanes + "_ring_moved", move.movedFraction());
      result.put("L" + lanes + "_modulo_moved", moduloMoved);
    }
    report.table(
        "Lookup latency, balance and movement (add one lane)",
        List.of(
            "L",
            "fenceq ring ns/op",
            "Guava consistentHash ns/op",
            "modulo ns/op",
            "fenceq max/mean",
            "Guava max/mean",
            "modulo max/mean",
            "fenceq moved",
            "Guava moved",
            "modulo moved",
            "ideal moved (1/(L+1))"),
        rows);
    report.note(
        "Reading it",
        """
        All three hash the key's UTF-8 bytes with MurmurHash3 x64-128 first; the columns differ in
        placement only. Guava's jump hash balances and moves ideally but can only add or remove the
        last bucket; fenceq's ring can remove any lane (its V virtual nodes buy balance at the cost
        of a binary search). A modulo moves almost every key when L changes, which on a FIFO queue
        would reorder nearly every key.""");
    report.result(result);
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

  private static long hash(int i) {
    return MURMUR.hashString("key-" + i, StandardCharsets.UTF_8).asLong();
  }

  private static long modulo(long hash, int lanes) {
    return Math.floorMod(hash, (long) lanes);
  }

  private interface Placement {
    long place(long hash, int lanes);
  }

  private static double balance(int keys, int lanes, Placement placement) {
    long[] counts = new long[lanes];
    for (int i = 0; i < keys; i++) {
      counts[(int) placement.place(hash(i), lanes)]++;
    }
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    return max / ((double) keys / lanes);
  }

  private static double moved(int keys, int lanes, Placement placement) {
    int moved = 0;
    for (int i = 0; i < keys; i++) {
      long h = hash(i);
      if (placement.place(h, lanes) != placement.place(h, lanes + 1)) {
        moved++;
      }
    }
    return (double) moved / keys;
  }
}
