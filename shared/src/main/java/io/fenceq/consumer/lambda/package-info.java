/**
 * The engine as a library for your own AWS Lambda function: {@link
 * io.fenceq.consumer.lambda.LambdaConsumer} turns each {@code SQSEvent} of the FIFO work queue into
 * a partial batch response; {@link io.fenceq.consumer.lambda.SqsMessages} turns an event's records
 * into the SDK's messages the engine reads. Needs {@code aws-lambda-java-core} and {@code
 * aws-lambda-java-events}, which are optional dependencies of fenceq's core artifact.
 */
package io.fenceq.consumer.lambda;
