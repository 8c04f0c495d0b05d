/**
 * Lambda without AWS: {@link io.fenceq.local.lambda.SqsEventSource} polls an SQS queue the way
 * Lambda's SQS event source mapping does and invokes a {@code RequestHandler<SQSEvent,
 * SQSBatchResponse>} in this JVM, honouring its partial batch response.
 */
package io.fenceq.local.lambda;
