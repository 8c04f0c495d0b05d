/**
 * What every benchmark shares: SDK clients for the emulators that count API calls and DynamoDB
 * writes, the inventory workload, order statistics and the report written to {@code bench/results}.
 */
package io.fenceq.bench.support;
