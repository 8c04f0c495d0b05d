/**
 * Dead-letter operations: list, inspect, redrive and purge the jobs in a fenceq dead-letter queue,
 * for the {@code fenceq dlq} command line and for any console that wants the same operations.
 *
 * <p>{@link io.fenceq.dlq.DeadLetters} is the entry point. Reading a FIFO queue means receiving its
 * messages, which puts them in flight: every read holds what it received for a short visibility and
 * gives it back with visibility 0 when done, so a read leaves the queue as it found it (except for
 * each message's receive count). A redrive sends each job back to the work queue on its key's lane
 * by the current ring, in enqueue order per key, and deletes its dead-letter copy only after the
 * send succeeded. See {@code docs/dlq.md}.
 */
package io.fenceq.dlq;
