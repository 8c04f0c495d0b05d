/**
 * Metrics behind a small interface: {@link io.fenceq.metrics.Metrics}, whose default drops
 * everything, and {@link io.fenceq.metrics.EmbeddedMetricFormat}, which writes CloudWatch Embedded
 * Metric Format lines. The engine's metric names are listed in {@link
 * io.fenceq.engine.EngineMetrics}.
 */
package io.fenceq.metrics;
