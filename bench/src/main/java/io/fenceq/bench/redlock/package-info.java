/**
 * {@code bench/run redlock}: one booking critical section under Redisson's Redlock, {@code RLock}
 * and {@code RFencedLock}, fenceq-redis's fenced lock and fenceq's fenced lane lease, with
 * partitions and stalls longer than the lock's TTL on one worker, a Redis primary failover with
 * replication lag and a clock jump on one Redlock server; counts double bookings and oversells
 * ({@link io.fenceq.bench.redlock.RedlockBench}).
 */
package io.fenceq.bench.redlock;
