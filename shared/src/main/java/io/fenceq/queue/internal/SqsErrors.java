package io.fenceq.queue.internal;

import io.fenceq.aws.AwsErrors;
import io.fenceq.queue.EnqueueException;
import io.fenceq.queue.InvalidJobException;
import io.fenceq.queue.QueueNotFoundException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Turns SDK exceptions into fenceq's, with messages that name the queue and the job. */
public final class SqsErrors {
  private SqsErrors() {}

  /** The AWS error code, or the exception's simple name; see {@link AwsErrors#code}. */
  public static String code(SdkException e) {
    return AwsErrors.code(e);
  }

  /**
   * @param what the action that failed, e.g. {@code "sending job 42 (key=sku-1 lane=lane-0007)"}
   */
  public static RuntimeException translate(SdkException e, String queueUrl, String what) {
    String code = code(e);
    if (e instanceof QueueDoesNotExistException || code.contains("NonExistentQueue")) {
      return new QueueNotFoundException(
          "queue " + queueUrl + " does not exist (" + what + "): " + code, e);
    }
    if (e instanceof InvalidMessageContentsException) {
      return new InvalidJobException(
          "payload",
          "SQS refused the contents " + what + " on queue " + queueUrl + ": " + e.getMessage());
    }
    Integer attempts = e.numAttempts();
    String kind =
        e instanceof AwsServiceException ase && ase.isThrottlingException()
            ? "throttled"
            : "failed";
    return new EnqueueException(
        "SQS "
            + kind
            + " "
            + what
            + " on queue "
            + queueUrl
            + (attempts == null ? "" : " after " + attempts + " attempt(s)")
            + ": "
            + code
            + ": "
            + firstLine(e.getMessage()),
        e);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
