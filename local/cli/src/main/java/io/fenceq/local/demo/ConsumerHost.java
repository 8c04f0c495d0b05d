package io.fenceq.local.demo;

/** Which consumer drains a demo's queue: {@code fenceq demo --consumer worker|lambda}. */
public enum ConsumerHost {
  /** In-process ECS workers (long polls, heartbeats). */
  WORKER,
  /**
   * The Lambda consumer, invoked by the local SQS event source as Lambda's event source mapping
   * does; each "worker" of the demo is one execution environment with its own clients and faults.
   */
  LAMBDA;

  /** Its command-line spelling. */
  public String option() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the value and the accepted ones
   */
  public static ConsumerHost parse(String value) {
    for (ConsumerHost h : values()) {
      if (h.option().equals(value)) {
        return h;
      }
    }
    throw new IllegalArgumentException("--consumer must be worker or lambda, got " + value);
  }
}
