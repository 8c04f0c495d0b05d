/**
 * The lease package's machinery, not part of the public API: the lease item's attributes and how
 * they read back from DynamoDB, the one conditional {@code UpdateItem} behind acquire, renew and
 * release, the takeover rules of both expiry modes as pure functions, and duration formatting for
 * messages.
 */
package io.fenceq.lease.internal;
