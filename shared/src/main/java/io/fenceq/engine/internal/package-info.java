/**
 * The engine's machinery, not part of the public API: splitting a batch by lane, the per-lane run
 * with its lease and heartbeat, the backoff schedule and the shutdown state machine.
 */
package io.fenceq.engine.internal;
