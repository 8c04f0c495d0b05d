/**
 * {@code bench/run redlock}: one booking critical section under Redisson's Redlock over three Redis
 * servers and under fenceq's fenced lane lease, with partitions and stalls longer than the lock's
 * TTL on one worker; counts double bookings and oversells ({@link
 * io.fenceq.bench.redlock.RedlockBench}).
 */
package io.fenceq.bench.redlock;
