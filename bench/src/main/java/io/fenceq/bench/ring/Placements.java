package io.fenceq.bench.ring;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * The placements the ring is compared with, each from the same 64-bit MurmurHash3 of the key: what
 * the design's source writes ({@code hash % N}), Guava's consistent hash, jump consistent hash
 * (Lamping and Veach, 2014) and rendezvous hashing (highest random weight, Thaler and Ravishankar,
 * 1998).
 */
final class Placements {
  private static final HashFunction MURMUR = Hashing.murmur3_128();

  private Placements() {}

  /** A key's 64-bit hash, the first half of MurmurHash3 x64-128 of its UTF-8 bytes. */
  static long hash(String key) {
    return MURMUR.hashString(key, StandardCharsets.UTF_8).asLong();
  }

  static int modulo(long hash, int members) {
    return (int) Long.remainderUnsigned(hash, members);
  }

  static int guava(long hash, int members) {
    return Hashing.consistentHash(hash, members);
  }

  /** Jump consistent hash: the bucket after the last jump below {@code members}. */
  static int jump(long hash, int members) {
    long key = hash;
    long bucket = -1;
    long next = 0;
    while (next < members) {
      bucket = next;
      key = key * 2862933555777941757L + 1;
      next = (long) ((bucket + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
    }
    return (int) bucket;
  }

  /** Rendezvous seeds: one per member, from its name. */
  static long[] rendezvousSeeds(int members) {
    long[] seeds = new long[members];
    for (int m = 0; m < members; m++) {
      seeds[m] = hash("member-" + m);
    }
    return seeds;
  }

  /** Rendezvous hashing: the member whose mixed score with the key is highest; O(N) a lookup. */
  static int rendezvous(long hash, long[] seeds, int members) {
    int best = 0;
    long bestScore = Long.MIN_VALUE;
    for (int m = 0; m < members; m++) {
      long score = mix(hash ^ seeds[m]);
      if (Long.compareUnsigned(score, bestScore) > 0 || m == 0) {
        bestScore = score;
        best = m;
      }
    }
    return best;
  }

  /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
