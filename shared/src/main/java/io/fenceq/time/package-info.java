/**
 * Time as fenceq takes it: a monotonic {@link io.fenceq.time.Ticker} for every duration (lease
 * validity, heartbeats, backoff) and a {@link java.time.Clock} for wall time, both injected.
 *
 * <p>Tests pass fakes that move only when told to, so that anything that waits is tested by
 * advancing time instead of sleeping: {@code ManualTicker}, {@code ManualClock} and {@code
 * ManualScheduler} in this package, from the {@code fenceq-core} jar with classifier {@code
 * test-fixtures} (a dependency of {@code fenceq-testing}).
 */
package io.fenceq.time;
