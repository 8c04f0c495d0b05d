/**
 * OpenTelemetry tracing: the span and attribute names fenceq reports under, from the enqueue to the
 * fenced write. See {@link io.fenceq.trace.FenceqTracing}.
 */
package io.fenceq.trace;
