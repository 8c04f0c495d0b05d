/**
 * The lease package's machinery, not part of the public API: the lease item's attributes and how
 * they read back from DynamoDB, the one conditional {@code UpdateItem} behind acquire, renew and
 * release, the takeover rules of both expiry modes as pure functions, duration formatting for
 * messages, and the election loop both leader electors run ({@code ElectionLoop}: its thread, waits
 * and close; {@code io.fenceq.leader} uses it too, inside this module).
 */
package io.fenceq.lease.internal;
