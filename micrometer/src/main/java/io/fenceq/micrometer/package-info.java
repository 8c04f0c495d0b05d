/**
 * fenceq's {@link io.fenceq.metrics.Metrics} on a Micrometer {@code MeterRegistry}, beside the
 * CloudWatch embedded metric format of {@link io.fenceq.metrics.EmbeddedMetricFormat}: the same
 * names, in Micrometer's dotted style, with the same dimensions as tags.
 */
package io.fenceq.micrometer;
