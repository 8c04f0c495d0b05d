package io.fenceq.tests.support;

import io.fenceq.queue.Enqueuer;
import io.fenceq.ring.HashRing;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The resources of one freshly provisioned copy of template.yaml, so that tests never see each
 * other's messages or leases.
 *
 * @param stackName the stack the resource names derive from
 * @param workQueueUrl the FIFO work queue
 * @param dlqUrl its FIFO dead-letter queue
 * @param leaseTable the lease table
 * @param lanes the template's lane count
 * @param inventoryTable the example handler's inventory table
 * @param payloadBucket the bucket of large payloads ({@code PayloadBucketName}), or null
 */
public record TestStack(
    String stackName,
    String workQueueUrl,
    String dlqUrl,
    String leaseTable,
    int lanes,
    String inventoryTable,
    String payloadBucket) {

  /** An enqueuer for this stack's work queue, on its ring. */
  public Enqueuer enqueuer(SqsClient sqs) {
    return Enqueuer.builder().sqs(sqs).queueUrl(workQueueUrl).ring(HashRing.of(lanes)).build();
  }
}
