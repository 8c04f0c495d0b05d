/**
 * The parts of {@link io.fenceq.local.lambda.SqsEventSource}: polling into invocation slots,
 * running and settling a batch, event building, the verdict on a partial batch response, message
 * group exclusivity, invocation with a timeout. Not an API: anything here may change without
 * notice.
 */
package io.fenceq.local.lambda.internal;
