package io.fenceq.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** What an SDK failure was, in the words a log line needs. */
public final class AwsErrors {
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
}
