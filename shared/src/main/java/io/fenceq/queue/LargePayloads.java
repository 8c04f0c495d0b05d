package io.fenceq.queue;

import com.amazon.sqs.javamessaging.AmazonSQSExtendedClient;
import com.amazon.sqs.javamessaging.ExtendedClientConfiguration;
import io.fenceq.internal.Require;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Jobs larger than a message should be: their envelope goes to an S3 bucket and the message carries
 * a {@link PayloadPointer} to it, through the SQS Extended Client Library, so producers and
 * consumers on that library interoperate with fenceq.
 *
 * <ul>
 *   <li>A job whose message (envelope and attributes) is above {@link #thresholdBytes()} (default
 *       {@value #DEFAULT_THRESHOLD_BYTES}, and never above the queue's {@code MaximumMessageSize})
 *       is offloaded; smaller ones travel in the message as before.
 *   <li>A job above {@link #maxPayloadBytes()} (default {@value #DEFAULT_MAX_PAYLOAD_BYTES}) is
 *       refused before anything is sent.
 *   <li>Consumers read the object of a pointer into the bucket named here, and refuse pointers into
 *       any other bucket (a forged pointer must not make a consumer read what its role may reach
 *       elsewhere).
 *   <li>The object is deleted only after the job succeeded and its message was deleted from the
 *       queue; a dead-lettered job keeps it. The bucket's lifecycle rule removes what a crash
 *       between the two deletes leaves behind. See {@code docs/large-payloads.md}.
 * </ul>
 *
 * <p>Immutable and thread-safe. The S3 client belongs to the caller, who closes it.
 */
public final class LargePayloads {
  /** Offloaded above this many bytes: SQS's former message limit, so nothing that fit moves. */
  public static final int DEFAULT_THRESHOLD_BYTES = 262_144;

  /** Refused above this many bytes (2 MiB): twice what the largest SQS message can carry. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

  /** The largest {@link #maxPayloadBytes()} accepted (64 MiB): a job is held in memory whole. */
  public static final int MAX_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

  /** The smallest threshold: below it a pointer would not be much smaller than the payload. */
  public static final int MIN_THRESHOLD_BYTES = 1024;

  private final S3Client s3;
  private final String bucket;
  private final int thresholdBytes;
  private final int maxPayloadBytes;

  private LargePayloads(Builder b) {
    this.s3 = b.s3;
    this.bucket = b.bucket;
    this.thresholdBytes = b.thresholdBytes;
    this.maxPayloadBytes = b.maxPayloadBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The client objects are written, read and deleted with. */
  public S3Client s3() {
    return s3;
  }

  /** The bucket offloaded envelopes go to, and the only one pointers are followed into. */
  public String bucket() {
    return bucket;
  }

  /** Messages (envelope and attributes) above this many bytes are offloaded. */
  public int thresholdBytes() {
    return thresholdBytes;
  }

  /** Jobs above this many bytes (envelope and attributes) are refused. */
  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** Whether a consumer may follow {@code pointer}: it points into {@link #bucket()}. */
  public boolean accepts(PayloadPointer pointer) {
    return bucket.equals(pointer.bucket());
  }

  /**
   * The envelope {@code pointer} points to.
   *
   * @throws IllegalArgumentException if the pointer leads out of {@link #bucket()}
   * @throws software.amazon.awssdk.services.s3.model.NoSuchKeyException if the object is gone
   * @throws software.amazon.awssdk.core.exception.SdkException if S3 did not answer
   */
  public String read(PayloadPointer pointer) {
    requireOurs(pointer);
    return s3.getObjectAsBytes(r -> r.bucket(pointer.bucket()).key(pointer.key()))
        .asString(StandardCharsets.UTF_8);
  }

  /**
   * Deletes the object {@code pointer} points to; deleting one that is gone succeeds.
   *
   * @throws software.amazon.awssdk.core.exception.SdkException if S3 did not answer
   */
  public void delete(PayloadPointer pointer) {
    requireOurs(pointer);
    s3.deleteObject(r -> r.bucket(pointer.bucket()).key(pointer.key()));
  }

  /**
   * An SQS client that sends messages above {@code threshold} bytes through this bucket, in the
   * library's format, and everything else as {@code sqs} would. The library's own clean-up on
   * delete is off: fenceq deletes an object only after the message's delete succeeded, the library
   * would delete it first.
   */
  SqsClient sendingClient(SqsClient sqs, int threshold) {
    return new AmazonSQSExtendedClient(
        sqs,
        new ExtendedClientConfiguration()
            .withPayloadSupportEnabled(s3, bucket, false)
            .withPayloadSizeThreshold(threshold)
            .withLegacyReservedAttributeNameDisabled());
  }

  private void requireOurs(PayloadPointer pointer) {
    if (!accepts(pointer)) {
      throw new IllegalArgumentException(
          "payload " + pointer + " is outside the large-payload bucket " + bucket);
    }
  }

  @Override
  public String toString() {
    return "LargePayloads[bucket="
        + bucket
        + ", thresholdBytes="
        + thresholdBytes
        + ", maxPayloadBytes="
        + maxPayloadBytes
        + "]";
  }

  /** Configures {@link LargePayloads}; {@link #build()} names the setting it refuses. */
  public static final class Builder {
    private S3Client s3;
    private String bucket;
    private int thresholdBytes = DEFAULT_THRESHOLD_BYTES;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

    private Builder() {}

    public Builder s3(S3Client s3) {
      this.s3 = s3;
      return this;
    }

    public Builder bucket(String bucket) {
      this.bucket = bucket;
      return this;
    }

    public Builder thresholdBytes(int thresholdBytes) {
      this.thresholdBytes = thresholdBytes;
      return this;
    }

    public Builder maxPayloadBytes(int maxPayloadBytes) {
      this.maxPayloadBytes = maxPayloadBytes;
      return this;
    }

    public LargePayloads build() {
      Require.notNull(s3, "LargePayloads", "s3");
      Require.rule(
          bucket != null && bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
          "LargePayloads",
          "bucket",
          "must be an S3 bucket name (3-63 of a-z 0-9 . -)",
          bucket);
      Require.rule(
          thresholdBytes >= MIN_THRESHOLD_BYTES,
          "LargePayloads",
          "thresholdBytes",
          "must be at least " + MIN_THRESHOLD_BYTES,
          thresholdBytes);
      Require.rule(
          maxPayloadBytes >= thresholdBytes && maxPayloadBytes <= MAX_MAX_PAYLOAD_BYTES,
          "LargePayloads",
          "maxPayloadBytes",
          "must be between thresholdBytes (" + thresholdBytes + ") and " + MAX_MAX_PAYLOAD_BYTES,
          maxPayloadBytes);
      return new LargePayloads(this);
    }
  }
}
