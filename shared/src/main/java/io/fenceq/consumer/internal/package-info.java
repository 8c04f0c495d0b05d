/**
 * What the consumer layer uses inside this module: how an invocation spends its time. Not a public
 * API.
 */
package io.fenceq.consumer.internal;
