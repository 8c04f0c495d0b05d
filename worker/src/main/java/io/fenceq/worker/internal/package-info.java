/**
 * The worker's plumbing: receive loops, how much they ask for, and what became of their messages.
 */
package io.fenceq.worker.internal;
