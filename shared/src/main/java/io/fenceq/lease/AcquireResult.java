package io.fenceq.lease;

/**
 * The answer to {@link LaneLeases#acquire}: either a {@link Lease} with its new fence, or a {@link
 * LeaseRefusal} saying who holds the lease, until when, and when to try again.
 */
public sealed interface AcquireResult permits Lease, LeaseRefusal {}
