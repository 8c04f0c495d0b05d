/**
 * The web console behind {@code fenceq console}: {@link io.fenceq.local.console.ConsoleServer}
 * serves one page and {@code /api/state}, which {@link io.fenceq.local.console.ConsoleState} reads
 * from the lease table and the queues' attributes, and the dead-letter endpoints of {@link
 * io.fenceq.local.console.DeadLetterConsole}: listing on request, and redrive and delete behind a
 * write mode, a dry run with a one-time confirmation token, and a same-origin check.
 */
package io.fenceq.local.console;
