/**
 * {@code bench/run failover}: how long a lane waits after its holder is killed with SIGKILL, per
 * lane, against the bound of one lease plus one visibility timeout ({@link
 * io.fenceq.bench.failover.FailoverBench}).
 */
package io.fenceq.bench.failover;
