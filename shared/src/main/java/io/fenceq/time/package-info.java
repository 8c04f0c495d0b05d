/**
 * Time as fenceq takes it: a monotonic {@link io.fenceq.time.Ticker} for every duration (lease
 * validity, heartbeats, backoff) and a {@link java.time.Clock} for wall time, both injected.
 *
 * <p>{@link io.fenceq.time.ManualTicker} and {@link io.fenceq.time.ManualClock} move only when told
 * to, so that tests of anything that waits advance time instead of sleeping, and can skew one
 * participant's wall clock against another's.
 */
package io.fenceq.time;
