package io.fenceq.dlq;

import java.util.Objects;
import java.util.Set;

/**
 * Which dead-lettered jobs an operation acts on: all, the jobs of one key, or jobs by id. A
 * malformed job has no key and is chosen only by {@link #all()} or by its bracketed message id
 * ({@link DeadLetter#jobId()}).
 */
public final class DeadLetterSelection {
  private final Set<String> jobIds;
  private final String key;

  private DeadLetterSelection(Set<String> jobIds, String key) {
    this.jobIds = jobIds;
    this.key = key;
  }

  /** Every job in the queue. */
  public static DeadLetterSelection all() {
    return new DeadLetterSelection(null, null);
  }

  /** Every job of {@code key}. */
  public static DeadLetterSelection key(String key) {
    return new DeadLetterSelection(null, Objects.requireNonNull(key, "key"));
  }

  /** The jobs with these ids. */
  public static DeadLetterSelection jobIds(Set<String> jobIds) {
    if (jobIds.isEmpty()) {
      throw new IllegalArgumentException("no job ids given to select");
    }
    return new DeadLetterSelection(Set.copyOf(jobIds), null);
  }

  /** Whether {@code job} is selected. */
  public boolean matches(DeadLetter job) {
    if (jobIds != null) {
      return jobIds.contains(job.jobId());
    }
    if (key != null) {
      return job.key().map(key::equals).orElse(false);
    }
    return true;
  }

  @Override
  public String toString() {
    return jobIds != null ? "jobs " + jobIds : key != null ? "key " + key : "all jobs";
  }
}
