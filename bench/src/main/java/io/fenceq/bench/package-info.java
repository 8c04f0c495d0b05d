/**
 * fenceq's benchmarks and baselines, run by {@code bench/run <name>} through {@link
 * io.fenceq.bench.BenchMain}: {@code throughput}, {@code failover}, {@code redlock} and {@code
 * ring}, one sub-package each, on the embedded emulators. Each prints progress and a {@code RESULT}
 * line and writes its figures to {@code bench/results/<name>.md}; {@code docs/benchmarks.md} sums
 * them up.
 */
package io.fenceq.bench;
