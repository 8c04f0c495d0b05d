/**
 * The {@code fenceq} command line, entry point {@link io.fenceq.local.cli.FenceqCli}: one picocli
 * command per class. {@code local} runs the embedded stack with in-process workers or the Lambda
 * consumer, {@code demo} the checked reservations demo, {@code worker} the ECS worker against any
 * endpoint, {@code enqueue} sends jobs, {@code leases} lists the lease table and {@code ring} shows
 * how the ring spreads keys.
 *
 * <p>Settings come from options and, where the worker and functions use them, the same {@code
 * FENCEQ_*} environment variables; AWS endpoints, region and credentials from the standard AWS
 * variables.
 */
package io.fenceq.local.cli;
