package io.fenceq.bench.redlock;

import java.util.concurrent.atomic.LongAdder;

/** What one contender did during its run. */
final class Tally {
  final LongAdder criticalSections = new LongAdder();
  final LongAdder writesSent = new LongAdder();
  final LongAdder lostWhileHeld = new LongAdder();
  final LongAdder partitions = new LongAdder();
  final LongAdder pauses = new LongAdder();
  final LongAdder failovers = new LongAdder();
  final LongAdder clockJumps = new LongAdder();

  /** Acquires of the fenced Redis lock refused because the replica did not acknowledge. */
  final LongAdder notReplicated = new LongAdder();

  long sold;
  int rounds;
  long stockSold;
  long overSold;
  double seconds;

  /**
   * Sales counted beyond what left the stock: each is two holders' writes on one critical section.
   */
  long doubleBookings() {
    return sold - stockSold;
  }

  /** Double bookings per stall injected. */
  double perStall() {
    return pauses.sum() == 0 ? 0 : (double) doubleBookings() / pauses.sum();
  }

  double violationRate() {
    return sold == 0 ? 0 : (double) doubleBookings() / sold;
  }
}
