package io.fenceq.local.demo;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The faults a demo run can inject. */
public enum Fault {
  /** A worker dies right after a write, before its job is deleted, releasing nothing. */
  CRASH,
  /** A worker freezes, heartbeats included, for twice the lease, then tries to finish its write. */
  PAUSE,
  /** A worker's traffic to SQS and DynamoDB is delayed or dropped for a while. */
  PARTITION,
  /** Each worker's wall clock is off by up to 30 s either way. */
  SKEW,
  /** SQS and DynamoDB calls fail with throttling and 5xx answers at a set rate. */
  THROTTLE;

  /** The name on the command line. */
  public String option() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code crash,pause}, {@code all} or {@code none} (or an empty string).
   *
   * @throws IllegalArgumentException naming the unknown fault and the known ones
   */
  public static Set<Fault> parse(String list) {
    EnumSet<Fault> faults = EnumSet.noneOf(Fault.class);
    if (list == null || list.isBlank() || list.trim().equals("none")) {
      return faults;
    }
    for (String part : list.split(",")) {
      String name = part.trim().toLowerCase(Locale.ROOT);
      if (name.equals("all")) {
        faults.addAll(EnumSet.allOf(Fault.class));
        continue;
      }
      Fault match = null;
      for (Fault f : values()) {
        if (f.option().equals(name)) {
          match = f;
        }
      }
      if (match == null) {
        throw new IllegalArgumentException(
            "--faults: unknown fault '"
                + part.trim()
                + "'; known: crash, pause, partition, skew, throttle, all, none");
      }
      faults.add(match);
    }
    return faults;
  }
}
