package io.fenceq.tests.support;

import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.local.LocalAws;
import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.ProvisionedStack;
import io.fenceq.local.template.TemplateProvisioner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbServiceClientConfiguration;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS endpoints the end-to-end tests run against, set up once per test JVM.
 *
 * <p>By default: the embedded emulators ({@link LocalAws}) on loopback, over real HTTP. With {@code
 * FENCEQ_TEST_TARGET=external}: whatever the standard AWS environment points at (LocalStack, a real
 * account), where each test stack gets a unique name and its queues and tables are deleted at the
 * end of the run.
 */
public final class TestAws {
  /** Environment variable choosing the target: {@code embedded} (default) or {@code external}. */
  public static final String TARGET_VARIABLE = "FENCEQ_TEST_TARGET";

  private static final Logger log = LoggerFactory.getLogger(TestAws.class);
  private static TestAws instance;

  private final LocalAws local;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final S3Client s3;
  private final TemplateProvisioner provisioner;
  private final CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();
  private final String runId = UUID.randomUUID().toString().substring(0, 6);
  private final AtomicInteger stacks = new AtomicInteger();
  private final List<ProvisionedStack> created = new ArrayList<>();

  private TestAws(
      LocalAws local, SqsClient sqs, DynamoDbClient dynamoDb, S3Client s3, TemplateProvisioner p) {
    this.local = local;
    this.sqs = sqs;
    this.dynamoDb = dynamoDb;
    this.s3 = s3;
    this.provisioner = p;
  }

  /** The target of this run, started on first use and stopped when the JVM exits. */
  public static synchronized TestAws get() {
    if (instance == null) {
      instance = start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "fenceq-test-aws-close"));
    }
    return instance;
  }

  public boolean external() {
    return local == null;
  }

  public SqsClient sqs() {
    return sqs;
  }

  public DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  /**
   * A new client to the same DynamoDB that counts what it sends: {@code GetItem} calls in {@code
   * reads}, {@code UpdateItem} and {@code PutItem} calls in {@code writes}. The caller closes it.
   */
  public DynamoDbClient countingDynamoDb(AtomicInteger reads, AtomicInteger writes) {
    DynamoDbServiceClientConfiguration config = dynamoDb.serviceClientConfiguration();
    Map<String, String> environment = awsEnvironment();
    AwsCredentialsProvider credentials =
        environment.containsKey("AWS_ACCESS_KEY_ID")
            ? StaticCredentialsProvider.create(
                AwsBasicCredentials.create(
                    environment.get("AWS_ACCESS_KEY_ID"), environment.get("AWS_SECRET_ACCESS_KEY")))
            : null;
    ExecutionInterceptor counter =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            switch (attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)) {
              case "GetItem" -> reads.incrementAndGet();
              case "UpdateItem", "PutItem" -> writes.incrementAndGet();
              default -> {}
            }
          }
        };
    return AwsClients.dynamoDb(
        new AwsClients.Target(
            null, config.endpointOverride().orElse(null), config.region(), credentials),
        List.of(counter));
  }

  /** The S3 of large payloads (the embedded one, or the environment's). */
  public S3Client s3() {
    return s3;
  }

  /**
   * The AWS variables another process needs to reach this target ({@code AWS_ENDPOINT_URL_SQS},
   * {@code AWS_REGION}, credentials, ...), without any stack's {@code FENCEQ_*} variables.
   */
  public Map<String, String> awsEnvironment() {
    Map<String, String> environment = new LinkedHashMap<>();
    Map<String, String> source = local != null ? local.environment() : System.getenv();
    source.forEach(
        (name, value) -> {
          if (name.startsWith("AWS_")) {
            environment.put(name, value);
          }
        });
    return environment;
  }

  /**
   * What a consumer of {@code stack} reads from its environment: {@link #awsEnvironment()} and the
   * stack's queue, dead-letter queue, lease table and lane count; a map the caller may add to.
   */
  public Map<String, String> consumerEnvironment(TestStack stack) {
    Map<String, String> environment = awsEnvironment();
    environment.put(ConsumerConfig.QUEUE_URL, stack.workQueueUrl());
    environment.put(ConsumerConfig.DLQ_URL, stack.dlqUrl());
    environment.put(ConsumerConfig.LEASE_TABLE, stack.leaseTable());
    environment.put(ConsumerConfig.LANES, Integer.toString(stack.lanes()));
    return environment;
  }

  /**
   * A Lambda consumer of {@code stack} on this target's clients, configured by {@link
   * #consumerEnvironment}; the caller adds its handlers.
   */
  public LambdaConsumer.Builder lambdaConsumer(TestStack stack) {
    return LambdaConsumer.builder()
        .environment(consumerEnvironment(stack))
        .sqs(sqs())
        .dynamoDb(dynamoDb());
  }

  /** Provisions template.yaml anew under a stack name unique to this run and purpose. */
  public TestStack newStack(String purpose) {
    return newStack(purpose, Map.of());
  }

  /**
   * Provisions template.yaml anew with these parameter values (e.g. {@code
   * VisibilityTimeoutSeconds}); parameters not given take their defaults, except those a local run
   * sets ({@link LocalAws#LOCAL_PARAMETERS}: the tests' consumers are workers).
   */
  public TestStack newStack(String purpose, Map<String, String> parameters) {
    String name =
        (external() ? "fenceq-e2e-" + runId + "-" : "e2e-")
            + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "")
            + "-"
            + stacks.incrementAndGet();
    ProvisionedStack stack =
        provisioner.provision(template, name, LocalAws.localParameters(template, parameters));
    synchronized (created) {
      created.add(stack);
    }
    return new TestStack(
        name,
        stack.queueUrl("WorkQueue"),
        stack.queueUrl("DeadLetterQueue"),
        stack.tableName("LeaseTable"),
        Integer.parseInt(stack.parameters().get("LaneCount")),
        stack.tableName("InventoryTable"),
        stack.outputs().get("PayloadBucketName"));
  }

  /**
   * Creates a fresh table of downstream entities keyed by {@code id} (S), as a user's service would
   * own, for tests of fenced writes.
   *
   * @return its name
   */
  public String newEntityTable(String purpose) {
    String name = purpose + "-entities-" + UUID.randomUUID();
    dynamoDb.createTable(
        r ->
            r.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                .attributeDefinitions(
                    a -> a.attributeName("id").attributeType(ScalarAttributeType.S)));
    return name;
  }

  private static TestAws start() {
    String target = System.getenv().getOrDefault(TARGET_VARIABLE, "embedded");
    switch (target) {
      case "embedded" -> {
        LocalAws local = LocalAws.builder().start();
        TemplateProvisioner provisioner =
            TemplateProvisioner.builder()
                .sqsClient(local.sqsClient())
                .dynamoDbClient(local.dynamoDbClient())
                .s3Client(local.s3Client())
                .build();
        return new TestAws(
            local, local.sqsClient(), local.dynamoDbClient(), local.s3Client(), provisioner);
      }
      case "external" -> {
        SqsClient sqs = AwsClients.sqs(AwsClients.Target.fromEnvironment());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(AwsClients.Target.fromEnvironment());
        log.info("event=test_target target=external");
        S3Client s3 = AwsClients.s3(AwsClients.Target.fromEnvironment());
        TemplateProvisioner provisioner =
            TemplateProvisioner.builder()
                .sqsClient(sqs)
                .dynamoDbClient(dynamoDb)
                .s3Client(s3)
                .build();
        return new TestAws(null, sqs, dynamoDb, s3, provisioner);
      }
      default ->
          throw new IllegalStateException(
              TARGET_VARIABLE + " must be embedded or external, got " + target);
    }
  }

  private void close() {
    if (local != null) {
      local.close();
      return;
    }
    synchronized (created) {
      for (ProvisionedStack stack : created) {
        for (String queue : List.of("WorkQueue", "DeadLetterQueue")) {
          quietly(() -> sqs.deleteQueue(r -> r.queueUrl(stack.queueUrl(queue))));
        }
        for (String table : List.of("LeaseTable", "InventoryTable")) {
          quietly(() -> dynamoDb.deleteTable(r -> r.tableName(stack.tableName(table))));
        }
      }
    }
    sqs.close();
    dynamoDb.close();
    s3.close();
  }

  private static void quietly(Runnable cleanup) {
    try {
      cleanup.run();
    } catch (RuntimeException e) {
      log.warn("event=test_cleanup_failed error={}", e.toString());
    }
  }
}
