/**
 * {@code bench/run ring}: key-to-lane lookup latency by JMH ({@link
 * io.fenceq.bench.ring.RingLookup}), then balance and keys moved per added lane, for fenceq's ring
 * against Guava's consistent hash and a plain modulo ({@link io.fenceq.bench.ring.RingBench}).
 */
package io.fenceq.bench.ring;
