/** The tracer and the trace context in SQS message attributes; used by this module only. */
package io.fenceq.trace.internal;
