package io.fenceq.testing;

import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.local.LocalAws;
import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.ProvisionedStack;
import io.fenceq.local.template.TemplateProvisioner;
import io.fenceq.local.template.TemplateResource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The SQS and DynamoDB a test run uses, shared by every {@link FenceqLocal} class with the same
 * template and endpoint, and the stacks it provisions on them.
 */
final class TestBackend implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TestBackend.class);

  /** How long an endpoint may take to answer the first call before it counts as not answering. */
  private static final Duration ANSWER_LIMIT = Duration.ofSeconds(10);

  private static final String TABLE_TYPE = "AWS::DynamoDB::Table";
  private static final String QUEUE_TYPE = "AWS::SQS::Queue";

  /** How many embedded backends this JVM started; the kit's own tests check it stays one. */
  static final AtomicInteger STARTED = new AtomicInteger();

  private final LocalAws local;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final AwsClients.Target target;
  private final CloudFormationTemplate template;
  private final TemplateProvisioner provisioner;
  private final String runId = UUID.randomUUID().toString().substring(0, 6);
  private final AtomicInteger stacks = new AtomicInteger();
  private final Map<String, ProvisionedStack> provisioned = new ConcurrentHashMap<>();
  private volatile AutoCloseable owned;

  private TestBackend(
      LocalAws local,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      AwsClients.Target target,
      CloudFormationTemplate template) {
    this.local = local;
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.target = target;
    this.template = template;
    this.provisioner =
        TemplateProvisioner.builder().sqsClient(sqs).dynamoDbClient(dynamoDb).build();
  }

  /** Starts the embedded emulators, provisioning the template once under its default name. */
  static TestBackend embedded(String templatePath) {
    CloudFormationTemplate template = template(templatePath);
    LocalAws local = LocalAws.builder().template(template).start();
    STARTED.incrementAndGet();
    AwsClients.Target target =
        new AwsClients.Target(
            local.sqsEndpoint(),
            local.dynamoDbEndpoint(),
            local.region(),
            local.credentialsProvider(),
            local.s3Endpoint().orElse(null));
    return new TestBackend(local, local.sqsClient(), local.dynamoDbClient(), target, template);
  }

  /**
   * Connects to an endpoint that serves SQS and DynamoDB, checking that it answers.
   *
   * @throws IllegalStateException in one line naming the endpoint and why it does not answer
   */
  static TestBackend external(String endpoint, String templatePath) {
    return external(endpoint, endpoint, templatePath);
  }

  /**
   * Connects to SQS and DynamoDB on endpoints of their own ({@code fenceq local} serves them on two
   * ports), checking that SQS answers.
   *
   * @throws IllegalStateException in one line naming the endpoint and why it does not answer
   */
  static TestBackend external(String sqsEndpoint, String dynamoDbEndpoint, String templatePath) {
    URI sqsUri = uri(sqsEndpoint);
    URI dynamoDbUri = uri(dynamoDbEndpoint);
    String endpoint =
        sqsEndpoint.equals(dynamoDbEndpoint)
            ? sqsEndpoint
            : "sqs=" + sqsEndpoint + " dynamodb=" + dynamoDbEndpoint;
    CloudFormationTemplate template = template(templatePath);
    Region region = Region.of(System.getenv().getOrDefault("AWS_REGION", LocalAws.DEFAULT_REGION));
    AwsClients.Target target =
        new AwsClients.Target(
            sqsUri,
            dynamoDbUri,
            region,
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
    SqsClient sqs = AwsClients.sqs(target);
    DynamoDbClient dynamoDb = AwsClients.dynamoDb(target);
    try {
      sqs.listQueues(
          r -> r.maxResults(1).overrideConfiguration(o -> o.apiCallTimeout(ANSWER_LIMIT)));
    } catch (RuntimeException e) {
      sqs.close();
      dynamoDb.close();
      String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
      throw new IllegalStateException(
          "fenceq test endpoint " + endpoint + " does not answer SQS: " + reason, e);
    }
    log.info("event=fenceq_test_target endpoint={}", endpoint);
    return new TestBackend(null, sqs, dynamoDb, target, template);
  }

  private static URI uri(String endpoint) {
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "fenceq test endpoint '" + endpoint + "' is not a URI: " + e.getMessage(), e);
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalStateException(
          "fenceq test endpoint '" + endpoint + "' must look like http://127.0.0.1:4566");
    }
    return uri;
  }

  /** Closes {@code resource} (a LocalStack container, say) after the clients, when this closes. */
  TestBackend closing(AutoCloseable resource) {
    this.owned = resource;
    return this;
  }

  /**
   * Whether the stacks it provisions outlive the test run unless {@link #delete deleted}: on an
   * endpoint, yes; the embedded emulators are discarded with everything in them.
   */
  boolean keepsStacks() {
    return local == null;
  }

  /**
   * Deletes the queues and tables of a stack it provisioned, so that a test leaves nothing behind
   * on an endpoint that outlives it. A resource already gone is no error; any other failure is
   * logged, not thrown, so that it never hides the test's own outcome.
   */
  void delete(String stackName) {
    ProvisionedStack stack = provisioned.remove(stackName);
    if (stack == null) {
      return;
    }
    for (TemplateResource resource : template.resources().values()) {
      String id = resource.logicalId();
      try {
        if (resource.type().equals(QUEUE_TYPE)) {
          String url = stack.queueUrl(id);
          sqs.deleteQueue(r -> r.queueUrl(url));
        } else if (resource.type().equals(TABLE_TYPE)) {
          String table = stack.tableName(id);
          dynamoDb.deleteTable(r -> r.tableName(table));
        }
      } catch (QueueDoesNotExistException | ResourceNotFoundException e) {
        // Already gone: nothing to delete.
      } catch (IllegalArgumentException e) {
        // Not in this stack: the template's condition left it out.
      } catch (RuntimeException e) {
        log.warn(
            "event=fenceq_test_stack_delete_failed stack={} resource={} error={}",
            stackName,
            id,
            String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()));
      }
    }
    log.info("event=fenceq_test_stack_deleted stack={}", stackName);
  }

  private static CloudFormationTemplate template(String path) {
    return path.isEmpty()
        ? CloudFormationTemplate.fromClasspath()
        : CloudFormationTemplate.load(Path.of(path));
  }

  SqsClient sqs() {
    return sqs;
  }

  DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  AwsClients.Target target() {
    return target;
  }

  /** Provisions the template anew under a stack name unique to this run, test and call. */
  FenceqStack newStack(String purpose) {
    String cleaned = purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    String name =
        "t"
            + runId.replaceAll("[^a-z0-9]", "")
            + "-"
            + stacks.incrementAndGet()
            + "-"
            + cleaned.substring(0, Math.min(40, cleaned.length()));
    ProvisionedStack stack =
        provisioner.provision(template, name, LocalAws.localParameters(template, Map.of()));
    provisioned.put(name, stack);
    Map<String, String> tables = new LinkedHashMap<>();
    for (TemplateResource resource : template.resources().values()) {
      if (resource.type().equals(TABLE_TYPE)) {
        tables.put(resource.logicalId(), stack.tableName(resource.logicalId()));
      }
    }
    String lanes = stack.parameters().get("LaneCount");
    String deadLetterQueue =
        template.resources().containsKey("DeadLetterQueue")
            ? stack.queueUrl("DeadLetterQueue")
            : null;
    return new FenceqStack(
        name,
        stack.queueUrl("WorkQueue"),
        deadLetterQueue,
        stack.tableName("LeaseTable"),
        lanes == null ? ConsumerConfig.DEFAULT_LANES : Integer.parseInt(lanes),
        tables,
        sqs);
  }

  @Override
  public void close() {
    if (local != null) {
      local.close();
    } else {
      sqs.close();
      dynamoDb.close();
    }
    AutoCloseable resource = owned;
    if (resource != null) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("event=fenceq_test_backend_close_failed error={}", e.toString());
      }
    }
  }
}
