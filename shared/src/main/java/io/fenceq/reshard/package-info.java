/**
 * Live lane resharding: changing a queue's lane count without reordering a key (S2) or losing a job
 * (S3). The ring's epoch and lane count live in one item of the lease table ({@link
 * io.fenceq.reshard.RingConfigTable}); producers stamp the epoch on every job; a reshard ({@link
 * io.fenceq.reshard.Resharding}) advances the epoch and sends one barrier message into each old
 * lane, and consumers hold a moved key's new-epoch jobs until the barrier of its old lane has
 * passed. See docs/resharding.md.
 */
package io.fenceq.reshard;
