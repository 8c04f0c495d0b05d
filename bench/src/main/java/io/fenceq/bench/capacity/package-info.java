/**
 * {@code bench/run capacity}: fenceq's capacity and cost model on AWS, computed from the limits and
 * prices in {@link io.fenceq.bench.capacity.AwsFacts}. The arithmetic lives in small pure classes
 * ({@link io.fenceq.bench.capacity.KeySkew}, {@link io.fenceq.bench.capacity.LaneModel}, {@link
 * io.fenceq.bench.capacity.CostModel}, {@link io.fenceq.bench.capacity.ScalePlan}); {@link
 * io.fenceq.bench.capacity.CapacityBench} prints their tables.
 */
package io.fenceq.bench.capacity;
