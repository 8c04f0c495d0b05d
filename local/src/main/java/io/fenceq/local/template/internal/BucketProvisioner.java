package io.fenceq.local.template.internal;

import io.fenceq.local.template.TemplateException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * Creates an {@code AWS::S3::Bucket}, or reuses the bucket of that name. Only its name is read:
 * encryption, lifecycle rules and public-access settings are the deployed bucket's business and are
 * checked in the template itself (the tests module's template rules).
 */
public final class BucketProvisioner {
  private static final Logger log = LoggerFactory.getLogger(BucketProvisioner.class);

  /** The CloudFormation type this provisions. */
  public static final String TYPE = "AWS::S3::Bucket";

  /** Properties read from the template; every other one is skipped. */
  public static final Set<String> SUPPORTED = Set.of("BucketName");

  private final Consumer<String> create;

  /** A provisioner creating buckets through {@code s3}. */
  public BucketProvisioner(S3Client s3) {
    this(
        name -> {
          try {
            s3.createBucket(r -> r.bucket(name));
          } catch (BucketAlreadyOwnedByYouException e) {
            log.debug("bucket existed bucket={}", name);
          }
        });
  }

  /**
   * A provisioner creating buckets with {@code create}, which takes a bucket name and must accept
   * an existing bucket (an embedded S3 creates them in-process).
   */
  public BucketProvisioner(Consumer<String> create) {
    this.create = create;
  }

  /**
   * The bucket's name: {@code BucketName}, or {@code <stack>-<logicalId>} in lower case (at most 63
   * characters) where CloudFormation would generate one; stable, so provisioning is repeatable.
   */
  public static String bucketName(String stackName, String logicalId, PropertyReader properties) {
    return properties
        .optionalText("BucketName")
        .orElseGet(
            () -> {
              String name =
                  (stackName + "-" + logicalId)
                      .toLowerCase(Locale.ROOT)
                      .replaceAll("[^a-z0-9.-]", "-");
              return name.length() <= 63 ? name : name.substring(0, 63);
            });
  }

  /**
   * Creates (or reuses) the bucket.
   *
   * @throws TemplateException naming the resource and the bucket if S3 refuses
   */
  public ResourceValues provision(String logicalId, String stackName, PropertyReader properties) {
    String name = bucketName(stackName, logicalId, properties);
    try {
      create.accept(name);
    } catch (SdkException e) {
      throw new TemplateException(
          "resource " + logicalId + ": creating bucket " + name + " failed: " + e.getMessage(), e);
    }
    log.info("bucket ready resource={} bucket={}", logicalId, name);
    return new ResourceValues(
        logicalId,
        TYPE,
        name,
        Map.of(
            "Arn", "arn:aws:s3:::" + name,
            "DomainName", name + ".s3.amazonaws.com",
            "RegionalDomainName", name + ".s3.amazonaws.com"));
  }
}
