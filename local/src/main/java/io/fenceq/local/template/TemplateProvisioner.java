package io.fenceq.local.template;

import io.fenceq.local.template.internal.AccountIds;
import io.fenceq.local.template.internal.BucketProvisioner;
import io.fenceq.local.template.internal.PseudoParameters;
import io.fenceq.local.template.internal.QueueProvisioner;
import io.fenceq.local.template.internal.StackNames;
import io.fenceq.local.template.internal.TableProvisioner;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Creates a template's SQS queues and DynamoDB tables, the way CloudFormation would, against any
 * SQS and DynamoDB endpoint (the embedded emulators, LocalStack, an AWS account).
 *
 * <p>Every {@code AWS::SQS::Queue} and {@code AWS::DynamoDB::Table} is created in dependency order
 * (a queue's redrive policy makes its dead-letter queue exist first); an existing queue or table of
 * the same name is reused, so provisioning is idempotent. Properties the emulators do not support
 * (encryption, point-in-time recovery, deletion protection, tags, ...) are skipped with one DEBUG
 * line per resource; a table's {@code TimeToLiveSpecification} is applied because DynamoDB Local
 * enforces TTL like AWS. With an S3 client, every {@code AWS::S3::Bucket} is created too (by name
 * only). Other resource types are ignored. Nothing is ever deleted.
 */
public final class TemplateProvisioner {

  private final QueueProvisioner queues;
  private final TableProvisioner tables;
  private final BucketProvisioner buckets;
  private final String region;
  private final String accountId;

  private TemplateProvisioner(Builder builder) {
    this.queues = new QueueProvisioner(builder.sqs);
    this.tables = new TableProvisioner(builder.dynamoDb);
    this.buckets =
        builder.bucketCreator != null
            ? new BucketProvisioner(builder.bucketCreator)
            : builder.s3 == null ? null : new BucketProvisioner(builder.s3);
    this.region = builder.region;
    this.accountId = builder.accountId;
  }

  /** A builder; the SQS and DynamoDB clients are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Provisions {@code template} as the stack {@code stackName}.
   *
   * @param parameters values for template parameters; the others take their {@code Default}
   * @return what was created, and the template's outputs resolved
   * @throws TemplateException naming the parameter, resource, property, function, queue or table
   *     that failed
   * @throws IllegalArgumentException if the stack name is not one CloudFormation accepts
   */
  public ProvisionedStack provision(
      CloudFormationTemplate template, String stackName, Map<String, String> parameters) {
    Objects.requireNonNull(template, "template");
    PseudoParameters pseudo = new PseudoParameters(StackNames.check(stackName), region, accountId);
    return new StackProvisioning(template, pseudo, parameters, queues, tables, buckets).run();
  }

  /** Settings of a {@link TemplateProvisioner}. */
  public static final class Builder {
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private Consumer<String> bucketCreator;
    private String region;
    private String accountId = "000000000000";

    private Builder() {}

    /** The client queues are created with. Required. */
    public Builder sqsClient(SqsClient sqs) {
      this.sqs = Objects.requireNonNull(sqs, "sqsClient");
      return this;
    }

    /** The client tables are created with. Required. */
    public Builder dynamoDbClient(DynamoDbClient dynamoDb) {
      this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDbClient");
      return this;
    }

    /** The client buckets are created with; without one, buckets are not provisioned. */
    public Builder s3Client(S3Client s3) {
      this.s3 = Objects.requireNonNull(s3, "s3Client");
      return this;
    }

    /**
     * Creates buckets with this instead of an S3 client: it takes a bucket name and must accept an
     * existing bucket. For an S3 in this JVM, which then needs no client to be provisioned.
     */
    public Builder bucketCreator(Consumer<String> bucketCreator) {
      this.bucketCreator = Objects.requireNonNull(bucketCreator, "bucketCreator");
      return this;
    }

    /** {@code AWS::Region}; defaults to the SQS client's region. */
    public Builder region(String region) {
      if (region == null || region.isBlank()) {
        throw new IllegalArgumentException("region must not be blank, was '" + region + "'");
      }
      this.region = region;
      return this;
    }

    /** {@code AWS::AccountId}; defaults to {@code 000000000000}, the emulators' account. */
    public Builder accountId(String accountId) {
      this.accountId = AccountIds.check(accountId);
      return this;
    }

    /**
     * The provisioner.
     *
     * @throws IllegalStateException naming the missing setting
     */
    public TemplateProvisioner build() {
      if (sqs == null) {
        throw new IllegalStateException("sqsClient is required");
      }
      if (dynamoDb == null) {
        throw new IllegalStateException("dynamoDbClient is required");
      }
      if (region == null) {
        Region clientRegion = sqs.serviceClientConfiguration().region();
        if (clientRegion == null) {
          throw new IllegalStateException("region is not set and the SQS client has none");
        }
        region = clientRegion.id();
      }
      return new TemplateProvisioner(this);
    }
  }
}
