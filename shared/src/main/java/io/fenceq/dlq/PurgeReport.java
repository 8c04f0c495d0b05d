package io.fenceq.dlq;

import java.util.List;

/**
 * What a purge deleted, or with {@code dryRun} would delete.
 *
 * @param dryRun whether nothing was deleted
 * @param purged the jobs deleted (or that would be)
 * @param failed the jobs whose delete failed, with the error
 */
public record PurgeReport(boolean dryRun, List<DeadLetter> purged, List<String> failed) {
  public PurgeReport {
    purged = List.copyOf(purged);
    failed = List.copyOf(failed);
  }
}
