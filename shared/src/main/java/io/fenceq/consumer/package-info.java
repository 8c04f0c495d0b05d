/**
 * The consumer layer, the same for every host: what the ECS worker ({@code io.fenceq.worker}), the
 * Lambda consumer ({@link io.fenceq.consumer.lambda}) and your own hosts are built from.
 *
 * <ul>
 *   <li>{@link io.fenceq.consumer.ConsumerConfig}: the {@code FENCEQ_*} variables, their defaults
 *       and limits, composed of the engine's and the leases' configurations;
 *   <li>{@link io.fenceq.consumer.HandlerFactory}, {@link io.fenceq.consumer.HandlerResources} and
 *       {@link io.fenceq.consumer.HandlerFactories}: the handler SPI a host loads by class name
 *       ({@code FENCEQ_HANDLER});
 *   <li>{@link io.fenceq.consumer.ConsumerEngine}: the one wiring of lease store and engine;
 *   <li>{@link io.fenceq.consumer.EmptyReceivePause}: the pause of a short-polling receive loop
 *       after an empty receive, until one of its batches settles or a backoff passes.
 * </ul>
 *
 * <p>The queue's attributes are read by {@link io.fenceq.queue.QueueDescription}, which producers
 * use too.
 */
package io.fenceq.consumer;
