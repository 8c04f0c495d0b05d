package io.fenceq.stats;

import java.time.Instant;

/**
 * One worker's totals since it started, as its last write left them.
 *
 * @param workerId the worker
 * @param queue the work queue's name
 * @param applied jobs whose handler returned
 * @param failures jobs whose handler failed
 * @param fenced jobs stopped because their lane was lost
 * @param leaseRefusals lanes given back because another consumer held them
 * @param updatedAt when it last wrote, by its clock
 */
public record WorkerStats(
    String workerId,
    String queue,
    long applied,
    long failures,
    long fenced,
    long leaseRefusals,
    Instant updatedAt) {}
