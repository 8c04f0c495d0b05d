package com.example.inventory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The stock levels, standing in for the service's database. It keeps fenceq's downstream rule, as
 * {@code DynamoDbFence} and {@code JdbcFencedUpdate} do in a real one: a write carrying a lower
 * fence than one already accepted for the SKU is refused, and one whose seq was already applied is
 * a duplicate, applied once.
 */
@Component
public class Stock {
  /** The initial level of every SKU. */
  public static final int INITIAL = 100;

  private record Level(int units, long fence, String seq) {}

  private final Map<String, Level> levels = new ConcurrentHashMap<>();

  /** What a fenced write did. */
  public enum Outcome {
    APPLIED,
    DUPLICATE,
    FENCED
  }

  /** Takes {@code units} off {@code sku}, under {@code fence}, as the job at {@code seq}. */
  public Outcome reserve(String sku, int units, long fence, String seq) {
    Outcome[] outcome = new Outcome[1];
    levels.compute(
        sku,
        (key, level) -> {
          Level now = level != null ? level : new Level(INITIAL, 0, null);
          if (fence < now.fence()) {
            outcome[0] = Outcome.FENCED;
            return now;
          }
          if (now.seq() != null && compareSeq(seq, now.seq()) <= 0) {
            outcome[0] = Outcome.DUPLICATE;
            return now;
          }
          outcome[0] = Outcome.APPLIED;
          return new Level(now.units() - units, fence, seq);
        });
    return outcome[0];
  }

  /** The units of {@code sku} left. */
  public int units(String sku) {
    Level level = levels.get(sku);
    return level == null ? INITIAL : level.units();
  }

  /** SQS FIFO sequence numbers are decimal strings of up to 128 bits: longer is larger. */
  private static int compareSeq(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }
}
