package io.fenceq.tests.lease;

import io.fenceq.lease.LeaderElector;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs electors' rounds in manual time, the way their renewal threads would: each elector's next
 * round is due when its previous round said. {@link #kill} stops an elector's rounds without a
 * release, as a crashed or frozen process would.
 */
final class RoundScheduler {
  private final Contenders contenders;
  private final Map<LeaderElector, Duration> due = new LinkedHashMap<>();
  private Duration now = Duration.ZERO;

  RoundScheduler(Contenders contenders) {
    this.contenders = contenders;
  }

  void add(LeaderElector elector) {
    due.put(elector, now);
  }

  void kill(LeaderElector elector) {
    due.remove(elector);
  }

  Duration now() {
    return now;
  }

  /** Runs every round due up to {@code end} in time order, calling back after each. */
  void runUntil(Duration end, Consumer<LeaderElector> afterRound) {
    while (true) {
      LeaderElector next = null;
      for (Map.Entry<LeaderElector, Duration> e : due.entrySet()) {
        if (next == null || e.getValue().compareTo(due.get(next)) < 0) {
          next = e.getKey();
        }
      }
      if (next == null || due.get(next).compareTo(end) > 0) {
        moveTo(end);
        return;
      }
      moveTo(due.get(next));
      due.put(next, now.plus(next.runRound()));
      afterRound.accept(next);
    }
  }

  private void moveTo(Duration t) {
    if (t.compareTo(now) > 0) {
      contenders.advance(t.minus(now));
      now = t;
    }
  }
}
