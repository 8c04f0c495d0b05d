package io.fenceq.local.demo;

/**
 * The queues and tables a demo runs on, as a template stack creates them.
 *
 * @param workQueueUrl the FIFO work queue
 * @param dlqUrl its FIFO dead-letter queue
 * @param leaseTable the lease table
 * @param inventoryTable the inventory table
 * @param lanes lanes on the ring
 */
public record DemoStack(
    String workQueueUrl, String dlqUrl, String leaseTable, String inventoryTable, int lanes) {}
