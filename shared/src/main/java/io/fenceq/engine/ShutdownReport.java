package io.fenceq.engine;

/**
 * How a {@link LaneProcessor} shut down.
 *
 * @param forced whether the grace period ran out with lanes still running; their unfinished
 *     messages were given back with visibility 0 and their handlers interrupted
 * @param lanesAbandoned lanes still running (or waiting to run) when the grace period ran out
 * @param messagesReturned messages given back with visibility 0 because of the shutdown, including
 *     those of batches that arrived after it began
 */
public record ShutdownReport(boolean forced, int lanesAbandoned, int messagesReturned) {}
