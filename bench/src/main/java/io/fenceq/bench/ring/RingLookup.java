package io.fenceq.bench.ring;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.fenceq.ring.HashRing;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Key-to-member lookup latency: fenceq's ring (MurmurHash3 of the key, then a binary search over N
 * x V points), Guava's consistent hash, jump consistent hash and rendezvous hashing of the same
 * MurmurHash3, and a plain modulo of it. All three hash the key's UTF-8 bytes, so the difference is
 * what the placement costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingLookup {
  private static final HashFunction MURMUR = Hashing.murmur3_128();
  private static final int KEYS = 4096;

  @Param({"4", "16", "256", "1024"})
  public int lanes;

  private HashRing ring;
  private long[] seeds;
  private String[] keys;
  private int next;

  @Setup
  public void setUp() {
    ring = HashRing.of(lanes);
    seeds = Placements.rendezvousSeeds(lanes);
    keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "sku-" + i * 7919;
    }
  }

  private String key() {
    next = (next + 1) & (KEYS - 1);
    return keys[next];
  }

  @Benchmark
  public int fenceqRing() {
    return ring.laneFor(key()).index();
  }

  @Benchmark
  public int guavaConsistentHash() {
    return Hashing.consistentHash(MURMUR.hashString(key(), StandardCharsets.UTF_8).asLong(), lanes);
  }

  @Benchmark
  public int modulo() {
    return (int)
        Math.floorMod(MURMUR.hashString(key(), StandardCharsets.UTF_8).asLong(), (long) lanes);
  }

  @Benchmark
  public int jumpConsistentHash() {
    return Placements.jump(Placements.hash(key()), lanes);
  }

  @Benchmark
  public int rendezvous() {
    return Placements.rendezvous(Placements.hash(key()), seeds, lanes);
  }
}
