/**
 * fenceq without an AWS account: {@link io.fenceq.local.LocalAws} runs SQS (ElasticMQ) and DynamoDB
 * (DynamoDB Local) in this JVM, provisioned from {@code template.yaml}, and tells other processes
 * how to reach them.
 */
package io.fenceq.local;
