package io.fenceq.cron.internal;

import java.time.Instant;
import java.util.Optional;

/** When a schedule fires: the first tick strictly after an instant, in UTC. */
public interface TickRule {
  /** The first tick strictly after {@code after}, or empty if the schedule never fires again. */
  Optional<Instant> nextAfter(Instant after);
}
