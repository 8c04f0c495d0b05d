/**
 * What the consumer layer uses inside this module: Lambda's event shapes as the SDK's messages, and
 * how an invocation spends its time. Not a public API.
 */
package io.fenceq.consumer.internal;
