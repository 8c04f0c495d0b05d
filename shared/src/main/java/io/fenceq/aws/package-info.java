/**
 * Builds the SDK clients fenceq uses, one way for every module and for users' code: {@link
 * io.fenceq.aws.AwsClients} with the explicit HTTP client, the standard retry mode and an optional
 * endpoint (LocalStack, the embedded emulators, or real AWS through the SDK's own {@code
 * AWS_ENDPOINT_URL*} conventions).
 */
package io.fenceq.aws;
