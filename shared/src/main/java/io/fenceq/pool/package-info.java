/**
 * A worker pool sharded by consistent hashing: live workers register in the lease table (join on
 * start, leave on close or when their lease lapses), each sees the same {@link
 * io.fenceq.ring.MemberRing} of live workers, and a listener is told which keys a worker gained and
 * lost at every membership change. Membership is a liveness aid, as leases are: two workers can
 * briefly disagree on who owns a key, so work that must not run twice is fenced, as fenceq's lanes
 * are.
 */
package io.fenceq.pool;
