/**
 * The resharding machinery used by the producers and the engine inside this module: the cached view
 * of the ring's epoch and the pure rule that decides what a consumer does with a job of a given
 * epoch. Not part of the public API.
 */
package io.fenceq.reshard.internal;
