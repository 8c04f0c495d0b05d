package io.fenceq.engine.internal;

import io.fenceq.reshard.internal.RingEpochCache;
import java.time.Duration;

/**
 * What the engine needs to follow the ring's epoch: the cached epoch, and how a job held for a
 * barrier waits (it is polled every {@code holdPoll}, for at most {@code holdLimit}, then given
 * back with visibility {@code holdRetry}).
 */
public record EpochGuard(
    RingEpochCache epochs, Duration holdLimit, Duration holdPoll, Duration holdRetry) {}
