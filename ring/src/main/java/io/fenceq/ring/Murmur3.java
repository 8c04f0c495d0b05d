package io.fenceq.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * MurmurHash3, x64 128-bit variant, seed 0, reduced to the first 64-bit half (h1).
 *
 * <p>The ring's placement is a wire contract between producers and consumers that may run different
 * builds, so the hash lives here in plain Java rather than behind a library whose output could
 * change with an upgrade. The value equals Guava's {@code Hashing.murmur3_128().hashBytes(b)
 * .asLong()}; the tests hold it to that.
 */
final class Murmur3 {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  // Blocks are read as little-endian longs whatever the platform's byte order, as the algorithm
  // defines them.
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Murmur3() {}

  /** Returns h1 of MurmurHash3_x64_128 over all of {@code data} with seed 0. */
  static long hash64(byte[] data) {
    int length = data.length;
    int blockEnd = length & ~15;
    long h1 = 0;
    long h2 = 0;

    for (int i = 0; i < blockEnd; i += 16) {
      long k1 = (long) LONG_LE.get(data, i);
      long k2 = (long) LONG_LE.get(data, i + 8);

      h1 ^= mixK1(k1);
      h1 = Long.rotateLeft(h1, 27);
      h1 += h2;
      h1 = h1 * 5 + 0x52dce729;

      h2 ^= mixK2(k2);
      h2 = Long.rotateLeft(h2, 31);
      h2 += h1;
      h2 = h2 * 5 + 0x38495ab5;
    }

    // The 0..15 trailing bytes fill k1 (bytes 0..7) and k2 (bytes 8..15) little-endian; absent
    // bytes stay zero, and a half that received no byte is not mixed in at all.
    int tail = length - blockEnd;
    long k1 = 0;
    long k2 = 0;
    for (int j = tail - 1; j >= 8; j--) {
      k2 ^= (data[blockEnd + j] & 0xffL) << (8 * (j - 8));
    }
    for (int j = Math.min(tail, 8) - 1; j >= 0; j--) {
      k1 ^= (data[blockEnd + j] & 0xffL) << (8 * j);
    }
    if (tail > 8) {
      h2 ^= mixK2(k2);
    }
    if (tail > 0) {
      h1 ^= mixK1(k1);
    }

    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    h1 += h2;
    return h1;
  }

  private static long mixK1(long k1) {
    k1 *= C1;
    k1 = Long.rotateLeft(k1, 31);
    return k1 * C2;
  }

  private static long mixK2(long k2) {
    k2 *= C2;
    k2 = Long.rotateLeft(k2, 33);
    return k2 * C1;
  }

  /** The finalization mix: forces every input bit to affect every output bit. */
  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
