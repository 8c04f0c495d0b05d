package io.fenceq.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** What an SDK failure was, in the words a log line needs, and whether trying again may help. */
public final class AwsErrors {
  /**
   * Error codes of failures that say nothing about the request itself: throttling, a server-side
   * error, a timeout, or a call that never reached the service. The same call may succeed a moment
   * later. Codes as AWS services return them, and as {@link #code} names a failure without one.
   */
  private static final Set<String> TRANSIENT_CODES =
      Set.of(
          // Throttling, as DynamoDB, SQS and the SDK's own throttling detection name it.
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestThrottled",
          "RequestThrottledException",
          "TooManyRequestsException",
          "ProvisionedThroughputExceededException",
          "RequestLimitExceeded",
          "SlowDown",
          "KMS.ThrottlingException",
          // Server-side errors (HTTP 5xx).
          "InternalError",
          "InternalFailure",
          "InternalServerError",
          "ServiceUnavailable",
          "ServiceUnavailableException",
          // Timeouts and calls that never got an answer.
          "RequestTimeout",
          "RequestTimeoutException",
          "PriorRequestNotComplete",
          "ApiCallTimeoutException",
          "ApiCallAttemptTimeoutException",
          "SdkClientException");

  private AwsErrors() {}

  /**
   * The AWS error code ({@code ThrottlingException}, {@code
   * AWS.SimpleQueueService.NonExistentQueue} ...), or the exception's simple name when the service
   * gave none (a network error).
   */
  public static String code(SdkException e) {
    if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
      String code = ase.awsErrorDetails().errorCode();
      if (code != null) {
        return code;
      }
    }
    return e.getClass().getSimpleName();
  }

  /**
   * Whether {@code failure}, or what it wraps (a {@link io.fenceq.FenceqException} names its SDK
   * cause), is one that the same call may not meet again: throttling, a server error (HTTP 5xx), a
   * timeout, or a connection error. Everything else is permanent: a refused condition, a queue or
   * table that does not exist, a receipt handle that is no longer valid, missing permissions, an
   * aborted call on an interrupted thread, and any failure this cannot place.
   */
  public static boolean isTransient(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof AbortedException) {
        // The SDK aborts a call on an interrupted thread: the thread is asked to stop, not retry.
        return false;
      }
      if (t instanceof AwsServiceException ase) {
        return ase.isThrottlingException()
            || ase.statusCode() >= 500
            || TRANSIENT_CODES.contains(code(ase));
      }
      if (t instanceof ApiCallTimeoutException
          || t instanceof ApiCallAttemptTimeoutException
          || t instanceof IOException
          || t instanceof UncheckedIOException) {
        return true;
      }
      if (t instanceof SdkClientException sce && sce.retryable()) {
        return true;
      }
      // Otherwise a client-side failure is transient only for what it wraps (a connection
      // refused or reset is an IOException): look further down.
    }
    return false;
  }

  /**
   * Whether an AWS error code, as a batch call's failed entry or {@link #code} gives it, names a
   * transient failure (see {@link #isTransient}); an unknown or null code is permanent.
   */
  public static boolean isTransientCode(String code) {
    return code != null && TRANSIENT_CODES.contains(code);
  }
}
