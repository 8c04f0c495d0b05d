/**
 * Placement of keys on lanes: the consistent-hash ring that decides which SQS FIFO message group
 * carries each key's jobs.
 *
 * <p>The placement is a wire contract shared by every producer and consumer of a queue, so this
 * package is plain Java with no dependency whose behaviour could shift under it. {@link
 * io.fenceq.ring.HashRing} specifies the placement; {@link io.fenceq.ring.RingBalance} and {@link
 * io.fenceq.ring.RingMove} measure a ring before it is deployed.
 */
package io.fenceq.ring;
