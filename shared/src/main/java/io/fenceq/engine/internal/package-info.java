/**
 * The engine's machinery, not part of the public API: splitting a batch by lane, the per-lane run,
 * the backoff schedule and the shutdown state machine.
 *
 * <p>A lane run is {@link io.fenceq.engine.internal.LaneRun}, which owns its lifecycle and the
 * monitor its threads agree under, with one class per role: {@link
 * io.fenceq.engine.internal.LaneAdmission} (a lane slot, the lease, whether each job may start),
 * {@link io.fenceq.engine.internal.LaneJobs} (running the jobs and deciding their outcomes), {@link
 * io.fenceq.engine.internal.LaneDeadLetters} (the dead letters, of deliveries still held), {@link
 * io.fenceq.engine.internal.LaneLiveness} (the held lease, the heartbeat, losing the lane) and
 * {@link io.fenceq.engine.internal.LaneSettlement} (the outcomes, and the release, deletes and
 * returns that settle them).
 */
package io.fenceq.engine.internal;
