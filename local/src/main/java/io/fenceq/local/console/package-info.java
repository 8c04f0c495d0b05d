/**
 * The read-only web console behind {@code fenceq console}: {@link
 * io.fenceq.local.console.ConsoleServer} serves one page and {@code /api/state}, which {@link
 * io.fenceq.local.console.ConsoleState} reads from the lease table and the queues' attributes.
 */
package io.fenceq.local.console;
