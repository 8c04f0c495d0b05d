/**
 * The queue package's machinery, not part of the public API: the one JSON mapper and its error
 * texts, the cutting of sends into SQS batches within SQS's count and size limits, and the
 * translation of SDK errors into fenceq's exceptions.
 */
package io.fenceq.queue.internal;
