package io.fenceq.queue;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClientUtil;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.payloadoffloading.PayloadS3Pointer;

/**
 * Where a job's envelope lies when it was too large to travel in its message: the S3 object a
 * message's body points to, in the SQS Extended Client Library's format (body {@code
 * ["software.amazon.payloadoffloading.PayloadS3Pointer",{"s3BucketName":...,"s3Key":...}]}, and the
 * message attribute {@code ExtendedPayloadSize} giving the envelope's size), so that any producer
 * or consumer using that library reads fenceq's messages and the other way round.
 *
 * @param bucket the S3 bucket
 * @param key the object's key
 */
public record PayloadPointer(String bucket, String key) {
  /** The attribute the library marks an offloaded message with; its value is the size in bytes. */
  public static final String SIZE_ATTRIBUTE =
      com.amazon.sqs.javamessaging.SQSExtendedClientConstants.RESERVED_ATTRIBUTE_NAME;

  public PayloadPointer {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
  }

  /**
   * The pointer in {@code message}, if it carries one: only a message marked with {@link
   * #SIZE_ATTRIBUTE} (or the library's legacy name) is read as a pointer.
   *
   * @throws MalformedJobException if the message is marked but its body is no pointer
   */
  public static Optional<PayloadPointer> of(Message message) {
    return of(message.body(), message.messageAttributes());
  }

  /** {@link #of(Message)} for a body and its message attributes. */
  public static Optional<PayloadPointer> of(
      String body, Map<String, MessageAttributeValue> attributes) {
    if (AmazonSQSExtendedClientUtil.getReservedAttributeNameIfPresent(attributes).isEmpty()) {
      return Optional.empty();
    }
    PayloadS3Pointer pointer;
    try {
      pointer = PayloadS3Pointer.fromJson(body);
    } catch (SdkException e) {
      pointer = null;
    }
    if (pointer == null
        || pointer.getS3BucketName() == null
        || pointer.getS3BucketName().isBlank()
        || pointer.getS3Key() == null
        || pointer.getS3Key().isBlank()) {
      throw new MalformedJobException(
          "the message is marked "
              + SIZE_ATTRIBUTE
              + " (payload in S3), but its body is not an S3 pointer: "
              + preview(body));
    }
    return Optional.of(new PayloadPointer(pointer.getS3BucketName(), pointer.getS3Key()));
  }

  /** The message body that points here, in the library's format. */
  public String toJson() {
    return new PayloadS3Pointer(bucket, key).toJson();
  }

  /** {@code s3://bucket/key}. */
  @Override
  public String toString() {
    return "s3://" + bucket + "/" + key;
  }

  private static String preview(String body) {
    if (body == null) {
      return "(no body)";
    }
    return body.length() <= 120 ? body : body.substring(0, 120) + "…";
  }
}
