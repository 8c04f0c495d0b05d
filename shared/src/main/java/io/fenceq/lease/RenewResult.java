package io.fenceq.lease;

/**
 * The answer to {@link LaneLeases#renew}: the renewed {@link Lease}, or a {@link LeaseLoss} when
 * the lease is no longer the caller's. A loss is final: the holder stops, performs no further side
 * effect under that fence, and acquires again if it still wants the lease.
 */
public sealed interface RenewResult permits Lease, LeaseLoss {}
