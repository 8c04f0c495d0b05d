package io.fenceq.ring;

import java.util.Random;

/** Seeded key generators, so property tests see the same keys on every run. */
final class RandomKeys {

  private RandomKeys() {}

  /** Short ASCII keys shaped like real ids, e.g. {@code k-3f9a0c...}. */
  static String[] ids(long seed, int count) {
    Random random = new Random(seed);
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = "k-" + Long.toHexString(random.nextLong());
    }
    return keys;
  }

  /**
   * Keys of 0 to 40 code points drawn from ASCII, two- and three-byte ranges and the supplementary
   * planes, so every UTF-8 length appears.
   */
  static String unicode(Random random) {
    int length = random.nextInt(41);
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int codePoint =
          switch (random.nextInt(4)) {
            case 0 -> 0x20 + random.nextInt(0x5f);
            case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
            case 2 -> 0x800 + random.nextInt(0xd800 - 0x800);
            default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
          };
      key.appendCodePoint(codePoint);
    }
    return key.toString();
  }
}
