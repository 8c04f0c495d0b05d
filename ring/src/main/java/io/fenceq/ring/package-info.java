/**
 * Placement of keys by consistent hashing: the ring that decides which SQS FIFO message group
 * (lane) carries each key's jobs, and the same ring over any named members.
 *
 * <p>The lane placement is a wire contract shared by every producer and consumer of a queue, so
 * this package is plain Java with no dependency whose behaviour could shift under it. {@link
 * io.fenceq.ring.HashRing} specifies the placement; {@link io.fenceq.ring.RingBalance} and {@link
 * io.fenceq.ring.RingMove} measure a ring before it is deployed. {@link io.fenceq.ring.MemberRing}
 * places keys on workers, partitions or targets the same way, {@link io.fenceq.ring.BoundedLoads}
 * caps each member's load, {@link io.fenceq.ring.RingChange} reports what a membership change moves
 * and {@link io.fenceq.ring.ScaleEvents} compares the ring with {@code hash % N} on a pool that
 * scales.
 */
package io.fenceq.ring;
