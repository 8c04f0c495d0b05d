/**
 * Test your own fenceq handlers with JUnit 5: {@link io.fenceq.testing.FenceqLocal} on a test class
 * starts the embedded SQS and DynamoDB once per test run (or targets an endpoint already running),
 * provisions a fresh stack per test and injects {@code SqsClient}, {@code DynamoDbClient} and
 * {@link io.fenceq.testing.FenceqStack}; {@link io.fenceq.testing.Eventually} waits for an outcome,
 * bounded.
 */
package io.fenceq.testing;
