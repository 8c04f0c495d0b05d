/** The worker's plumbing: receive loops, lane slots, signal handling, loading the handlers. */
package io.fenceq.worker.internal;
