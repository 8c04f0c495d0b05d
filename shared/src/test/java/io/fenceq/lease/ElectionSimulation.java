package io.fenceq.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs electors' rounds in virtual time, the way their threads would: each elector's next round is
 * due when its previous round said. Killing an elector stops its rounds without a release, as a
 * crashed or frozen process would.
 */
final class ElectionSimulation {
  /** One leadership event, at a virtual time since the simulation started. */
  record Event(Duration at, String owner, String what, long fence) {}

  private final LeaseWorld world;
  private final Map<LeaderElector, Duration> due = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  private Duration now = Duration.ZERO;

  ElectionSimulation(LeaseWorld world) {
    this.world = world;
  }

  /** A listener that records events under {@code owner} for {@link #events()}. */
  LeadershipListener listener(String owner) {
    return new LeadershipListener() {
      @Override
      public void gained(long fence) {
        events.add(new Event(now, owner, "gained", fence));
      }

      @Override
      public void lost(String reason) {
        events.add(new Event(now, owner, "lost: " + reason, -1));
      }
    };
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

  List<Event> events() {
    return List.copyOf(events);
  }

  /** Runs every round due up to {@code end}, in time order, then moves time to {@code end}. */
  void runUntil(Duration end, Runnable afterEachRound) {
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
      afterEachRound.run();
    }
  }

  private void moveTo(Duration t) {
    if (t.compareTo(now) > 0) {
      world.advance(t.minus(now));
      now = t;
    }
  }
}
