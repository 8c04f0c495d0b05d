/**
 * Kafka producer partitioning by fenceq's consistent-hash ring: {@link
 * io.fenceq.kafka.RingPartitioner} places each key on a topic's partitions so that adding
 * partitions moves about {@code 1 / (n + 1)} of the keys instead of nearly all of them, keeping
 * most keys' order and locality across the change. The Kafka client is the application's own
 * ({@code provided}); the placement is {@link io.fenceq.ring.MemberRing}'s.
 */
package io.fenceq.kafka;
