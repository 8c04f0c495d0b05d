package io.fenceq.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceq.engine.EngineConfig;
import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.ProvisionedStack;
import io.fenceq.local.template.TemplateException;
import io.fenceq.local.template.TemplateProvisioner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The bundled template provisioned on the embedded emulators, started once for the class. */
class LocalAwsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalAws aws;
  private static CloudFormationTemplate template;

  @BeforeAll
  static void start() {
    aws = LocalAws.builder().start();
    template = CloudFormationTemplate.fromClasspath();
  }

  @AfterAll
  static void stop() {
    if (aws != null) {
      aws.close();
    }
  }

  private static Map<String, String> queueAttributes(String queueUrl) {
    return aws.sqsClient()
        .getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNamesWithStrings("All"))
        .attributesAsStrings();
  }

  private static String declared(String logicalId, String property) {
    return template.resources().get(logicalId).properties().get(property).toString();
  }

  private static String defaultOf(String parameter) {
    return template.parameters().get(parameter).defaultValue().orElseThrow();
  }

  private static TemplateProvisioner provisioner() {
    return TemplateProvisioner.builder()
        .sqsClient(aws.sqsClient())
        .dynamoDbClient(aws.dynamoDbClient())
        .build();
  }

  /** Tools that split CPU time by thread find the SQS emulator's threads by this prefix. */
  @Test
  void theSqsEmulatorsThreadsCarryTheirNamePrefix() {
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .anyMatch(name -> name.startsWith(LocalAws.SQS_THREAD_PREFIX));
  }

  @Test
  void theWorkQueueAndDeadLetterQueueAreFifoWithoutContentBasedDeduplication() {
    for (String logicalId : List.of("WorkQueue", "DeadLetterQueue")) {
      assertThat(queueAttributes(aws.stack().queueUrl(logicalId)))
          .as(logicalId)
          .containsEntry("FifoQueue", "true")
          .containsEntry("ContentBasedDeduplication", "false");
    }
    assertThat(aws.stack().queueUrl("WorkQueue"))
        .isEqualTo(aws.sqsEndpoint() + "/000000000000/fenceq-local-work.fifo");
    assertThat(aws.stack().queueUrl("DeadLetterQueue"))
        .isEqualTo(aws.sqsEndpoint() + "/000000000000/fenceq-local-dlq.fifo");
  }

  @Test
  void theWorkQueueRedrivesToTheDeadLetterQueueAfterTheTemplatesMaxReceiveCount()
      throws IOException {
    String dlqArn = queueAttributes(aws.stack().queueUrl("DeadLetterQueue")).get("QueueArn");
    JsonNode redrive =
        JSON.readTree(queueAttributes(aws.stack().queueUrl("WorkQueue")).get("RedrivePolicy"));

    assertThat(dlqArn).isEqualTo("arn:aws:sqs:us-east-1:000000000000:fenceq-local-dlq.fifo");
    assertThat(aws.stack().queueArn("DeadLetterQueue")).isEqualTo(dlqArn);
    assertThat(redrive.get("deadLetterTargetArn").asText()).isEqualTo(dlqArn);
    assertThat(redrive.get("maxReceiveCount").asText()).isEqualTo(defaultOf("MaxReceiveCount"));
    // A backstop above the consumers' own count: at or below it, ConsumerEngine refuses to start.
    assertThat(redrive.get("maxReceiveCount").asInt())
        .isGreaterThan(EngineConfig.DEFAULT_MAX_ATTEMPTS);
  }

  @Test
  void theWorkQueueHasTheDeclaredTimeouts() {
    Map<String, String> attributes = queueAttributes(aws.stack().queueUrl("WorkQueue"));

    assertThat(attributes)
        .containsEntry("VisibilityTimeout", defaultOf("VisibilityTimeoutSeconds"))
        .containsEntry(
            "ReceiveMessageWaitTimeSeconds",
            declared("WorkQueue", "ReceiveMessageWaitTimeSeconds"));
    // ElasticMQ 1.7.1 accepts MaximumMessageSize but does not report it; QueueProvisionerTest
    // checks the value sent. Should a later version report it, it must be the declared one.
    assertThat(
            attributes.getOrDefault(
                "MaximumMessageSize", declared("WorkQueue", "MaximumMessageSize")))
        .isEqualTo(declared("WorkQueue", "MaximumMessageSize"));
  }

  @Test
  void theLeaseTableIsKeyedByIdAndHasNoTtl() {
    String tableName = aws.stack().tableName("LeaseTable");
    TableDescription table =
        aws.dynamoDbClient().describeTable(r -> r.tableName(tableName)).table();
    TimeToLiveDescription ttl =
        aws.dynamoDbClient()
            .describeTimeToLive(r -> r.tableName(tableName))
            .timeToLiveDescription();

    assertThat(tableName).isEqualTo("fenceq-local-leases");
    assertThat(table.keySchema())
        .containsExactly(
            KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build());
    assertThat(table.attributeDefinitions())
        .singleElement()
        .satisfies(
            definition -> {
              assertThat(definition.attributeName()).isEqualTo("id");
              assertThat(definition.attributeType()).isEqualTo(ScalarAttributeType.S);
            });
    assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.DISABLED);
  }

  @Test
  void theExampleInventoryTableIsKeyedBySku() {
    String tableName = aws.stack().tableName("InventoryTable");
    TableDescription table =
        aws.dynamoDbClient().describeTable(r -> r.tableName(tableName)).table();

    assertThat(tableName).isEqualTo("fenceq-local-inventory");
    assertThat(table.keySchema())
        .containsExactly(
            KeySchemaElement.builder().attributeName("sku").keyType(KeyType.HASH).build());
  }

  @Test
  void provisioningTheSameStackAgainChangesNothing() {
    List<String> queuesBefore = aws.sqsClient().listQueues().queueUrls();
    List<String> tablesBefore = aws.dynamoDbClient().listTables().tableNames();

    ProvisionedStack again =
        TemplateProvisioner.builder()
            .sqsClient(aws.sqsClient())
            .dynamoDbClient(aws.dynamoDbClient())
            .s3Client(aws.s3Client())
            .build()
            .provision(template, LocalAws.DEFAULT_STACK_NAME, Map.of());

    assertThat(again.outputs()).isEqualTo(aws.stack().outputs());
    assertThat(again.queueUrl("WorkQueue")).isEqualTo(aws.stack().queueUrl("WorkQueue"));
    assertThat(again.tableName("LeaseTable")).isEqualTo(aws.stack().tableName("LeaseTable"));
    assertThat(aws.sqsClient().listQueues().queueUrls())
        .containsExactlyInAnyOrderElementsOf(queuesBefore);
    assertThat(aws.dynamoDbClient().listTables().tableNames())
        .containsExactlyElementsOf(tablesBefore);
  }

  @Test
  void changedParametersUpdateTheExistingQueue() throws IOException {
    ProvisionedStack first =
        provisioner().provision(template, "fenceq-update", LocalAws.LOCAL_PARAMETERS);
    ProvisionedStack second =
        provisioner()
            .provision(
                template,
                "fenceq-update",
                LocalAws.localParameters(
                    template, Map.of("VisibilityTimeoutSeconds", "300", "MaxReceiveCount", "7")));

    assertThat(second.queueUrl("WorkQueue")).isEqualTo(first.queueUrl("WorkQueue"));
    Map<String, String> attributes = queueAttributes(second.queueUrl("WorkQueue"));
    assertThat(attributes).containsEntry("VisibilityTimeout", "300");
    assertThat(JSON.readTree(attributes.get("RedrivePolicy")).get("maxReceiveCount").asInt())
        .isEqualTo(7);
    assertThat(second.parameters()).containsEntry("VisibilityTimeoutSeconds", "300");
  }

  @Test
  void theEnvironmentNamesEveryEndpointAndResource() {
    Map<String, String> environment = aws.environment();

    assertThat(environment.keySet())
        .containsExactly(
            "AWS_ENDPOINT_URL_SQS",
            "AWS_ENDPOINT_URL_DYNAMODB",
            "AWS_ENDPOINT_URL_S3",
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "FENCEQ_QUEUE_URL",
            "FENCEQ_DLQ_URL",
            "FENCEQ_LEASE_TABLE",
            "FENCEQ_LANES",
            "FENCEQ_INVENTORY_TABLE",
            "FENCEQ_HANDLER",
            "FENCEQ_PAYLOAD_BUCKET");
    assertThat(environment.get("AWS_ENDPOINT_URL_SQS"))
        .isEqualTo(aws.sqsEndpoint().toString())
        .matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(environment.get("AWS_ENDPOINT_URL_DYNAMODB"))
        .isEqualTo(aws.dynamoDbEndpoint().toString())
        .matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(environment)
        .containsEntry("AWS_REGION", "us-east-1")
        .containsEntry("FENCEQ_QUEUE_URL", aws.stack().queueUrl("WorkQueue"))
        .containsEntry("FENCEQ_DLQ_URL", aws.stack().queueUrl("DeadLetterQueue"))
        .containsEntry("FENCEQ_LEASE_TABLE", aws.stack().tableName("LeaseTable"))
        .containsEntry("FENCEQ_LANES", defaultOf("LaneCount"))
        .containsEntry("FENCEQ_INVENTORY_TABLE", aws.stack().tableName("InventoryTable"))
        .containsEntry("FENCEQ_HANDLER", "io.fenceq.examples.inventory.InventoryHandlers")
        .containsEntry("FENCEQ_PAYLOAD_BUCKET", aws.stack().outputs().get("PayloadBucketName"))
        .containsEntry("AWS_ENDPOINT_URL_S3", aws.s3Endpoint().orElseThrow().toString());
    assertThat(environment.get("AWS_ACCESS_KEY_ID")).isNotBlank();
    assertThat(environment.get("AWS_SECRET_ACCESS_KEY")).isNotBlank();
  }

  @Test
  void aClientBuiltFromTheEnvironmentAloneReachesTheQueueAndTable() {
    Map<String, String> env = aws.environment();
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(
                env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")));
    Region region = Region.of(env.get("AWS_REGION"));
    try (SqsClient sqs =
            SqsClient.builder()
                .endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_SQS")))
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        DynamoDbClient dynamoDb =
            DynamoDbClient.builder()
                .endpointOverride(URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB")))
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
      String queueUrl = env.get("FENCEQ_QUEUE_URL");
      sqs.sendMessage(
          r ->
              r.queueUrl(queueUrl)
                  .messageBody("{}")
                  .messageGroupId("lane-0001")
                  .messageDeduplicationId("environment-check"));
      List<Message> received =
          sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(5)).messages();
      assertThat(received).singleElement().extracting(Message::body).isEqualTo("{}");
      sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(received.get(0).receiptHandle()));

      assertThat(
              dynamoDb
                  .describeTable(r -> r.tableName(env.get("FENCEQ_LEASE_TABLE")))
                  .table()
                  .tableName())
          .isEqualTo(env.get("FENCEQ_LEASE_TABLE"));
    }
  }

  @Test
  void theTemplatesOutputDescriptionsNameTheVariablesTheyFill() {
    Pattern variable = Pattern.compile("\\((FENCEQ_[A-Z_]+)\\)");
    Map<String, String> environment = aws.environment();
    int named = 0;
    for (var output : template.outputs().values()) {
      Matcher matcher = variable.matcher(output.description().orElse(""));
      while (matcher.find()) {
        named++;
        assertThat(environment.get(matcher.group(1)))
            .as("%s from output %s", matcher.group(1), output.name())
            .isEqualTo(aws.stack().outputs().get(output.name()));
      }
    }
    assertThat(named).isEqualTo(7);
  }

  @Test
  void theTemplatesPayloadBucketIsProvisionedOnTheEmbeddedS3AndTakesObjects() {
    String bucket = aws.stack().outputs().get("PayloadBucketName");
    assertThat(bucket).isEqualTo("fenceq-local-payloadbucket");
    S3Client s3 = aws.s3Client();
    byte[] data = "x".repeat(3 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);

    s3.putObject(r -> r.bucket(bucket).key("k/1"), RequestBody.fromBytes(data));

    assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket).key("k/1")).asByteArray()).isEqualTo(data);
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount()).isEqualTo(1);
    s3.deleteObject(r -> r.bucket(bucket).key("k/1"));
    assertThatThrownBy(() -> s3.getObjectAsBytes(r -> r.bucket(bucket).key("k/1")))
        .isInstanceOf(NoSuchKeyException.class);
    assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).keyCount()).isZero();
  }

  @Test
  void unknownLogicalIdsAreNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> aws.stack().queueUrl("Jobs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "stack fenceq-local has no queue with logical id 'Jobs'; its queues:"
                + " [DeadLetterQueue, WorkQueue]");
    assertThatThrownBy(() -> aws.stack().tableName("WorkQueue"))
        .hasMessageContaining("'WorkQueue' (WorkQueue is a AWS::SQS::Queue)")
        .hasMessageContaining("its tables: [LeaseTable, InventoryTable]");
    assertThatThrownBy(() -> aws.stack().output("Nope"))
        .hasMessageContaining("no output 'Nope'")
        .hasMessageContaining("WorkQueueUrl");
  }

  @Test
  void aTimeToLiveSpecificationIsApplied() {
    CloudFormationTemplate withTtl =
        CloudFormationTemplate.parse(
            """
            Resources:
              Reservations:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
                  KeySchema: [{AttributeName: pk, KeyType: HASH}]
                  TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}
                  SSESpecification: {SSEEnabled: true}
            Outputs:
              Name: {Value: !Ref Reservations}
            """,
            "ttl.yaml");

    ProvisionedStack stack = provisioner().provision(withTtl, "fenceq-ttl", Map.of());
    provisioner().provision(withTtl, "fenceq-ttl", Map.of());

    TimeToLiveDescription ttl =
        aws.dynamoDbClient()
            .describeTimeToLive(r -> r.tableName(stack.tableName("Reservations")))
            .timeToLiveDescription();
    assertThat(stack.outputs()).containsEntry("Name", "fenceq-ttl-Reservations");
    assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(ttl.attributeName()).isEqualTo("expiresAt");
  }

  @Test
  void resourcesReferringToEachOtherAreACycle() {
    CloudFormationTemplate cyclic =
        CloudFormationTemplate.parse(
            """
            Resources:
              A:
                Type: AWS::SQS::Queue
                Properties:
                  RedrivePolicy: {deadLetterTargetArn: !GetAtt B.Arn, maxReceiveCount: 3}
              B:
                Type: AWS::SQS::Queue
                Properties:
                  RedrivePolicy: {deadLetterTargetArn: !GetAtt A.Arn, maxReceiveCount: 3}
            """,
            "cycle.yaml");

    assertThatThrownBy(() -> provisioner().provision(cyclic, "fenceq-cycle", Map.of()))
        .isInstanceOf(TemplateException.class)
        .hasMessage(
            "resource B, property RedrivePolicy.deadLetterTargetArn: resources depend on each"
                + " other in a cycle: A -> B -> A");
  }

  @Test
  void otherResourceTypesAreIgnoredAndOutputsNeedingThemLeftOut() {
    CloudFormationTemplate mixed =
        CloudFormationTemplate.parse(
            """
            Resources:
              Consumer:
                Type: AWS::Serverless::Function
                Properties: {Handler: x, Events: {Q: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn}}}}
              Jobs:
                Type: AWS::SQS::Queue
                Properties: {Tags: [{Key: a, Value: b}]}
            Outputs:
              JobsUrl: {Value: !Ref Jobs}
              ConsumerArn: {Value: !GetAtt Consumer.Arn}
            """,
            "mixed.yaml");

    ProvisionedStack stack = provisioner().provision(mixed, "fenceq-mixed", Map.of());

    assertThat(stack.outputs()).containsOnlyKeys("JobsUrl");
    assertThat(stack.queueUrl("Jobs")).endsWith("/fenceq-mixed-Jobs");
  }

  @Test
  void theTemplatesFunctionsServiceAndAlarmsAreSkippedAndOnlyQueuesAndTablesProvisioned() {
    for (String mode : List.of("lambda", "ecs")) {
      ProvisionedStack stack =
          provisioner().provision(template, "fenceq-mode-" + mode, Map.of("ConsumerMode", mode));

      assertThat(stack.outputs())
          .as(mode)
          .containsOnlyKeys(
              "WorkQueueUrl",
              "WorkQueueArn",
              "DeadLetterQueueUrl",
              "LeaseTableName",
              "LaneCount",
              "InventoryTableName");
      assertThat(stack.toString())
          .as(mode)
          .endsWith("resources=[DeadLetterQueue, WorkQueue, LeaseTable, InventoryTable]]");
    }
  }

  @Test
  void withLambdaConsumersTheWorkQueuesVisibilityIsSixTimesTheConsumersTimeout() {
    ProvisionedStack stack =
        provisioner()
            .provision(
                template,
                "fenceq-lambda-visibility",
                Map.of(
                    "ConsumerMode", "lambda",
                    "ConsumerTimeoutSeconds", "120",
                    "VisibilityTimeoutSeconds", "5"));

    assertThat(queueAttributes(stack.queueUrl("WorkQueue")))
        .containsEntry("VisibilityTimeout", "720");
  }

  @Test
  void aLocalRunProvisionsTheTemplatesEcsModeUnlessToldOtherwise() {
    assertThat(aws.stack().parameters()).containsEntry("ConsumerMode", "ecs");
    assertThat(LocalAws.localParameters(template, Map.of("ConsumerMode", "lambda")))
        .containsEntry("ConsumerMode", "lambda");
    CloudFormationTemplate without =
        CloudFormationTemplate.parse(
            "Resources: {Q: {Type: AWS::SQS::Queue}}", "without-consumer-mode.yaml");
    assertThat(LocalAws.localParameters(without, Map.of())).isEmpty();
  }

  @Test
  void badParametersFailBeforeAnythingStarts() {
    assertThatThrownBy(() -> LocalAws.builder().parameters(Map.of("LaneCount", "0")).start())
        .isInstanceOf(TemplateException.class)
        .hasMessage("parameter LaneCount: value 0 is below its MinValue 1");
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> LocalAws.builder().sqsPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sqsPort must be 0 (any free port) or 1-65535, was 70000");
    assertThatThrownBy(() -> LocalAws.builder().dynamoDbPort(-1))
        .hasMessageStartingWith("dynamoDbPort must be");
    assertThatThrownBy(() -> LocalAws.builder().stackName("9lives"))
        .hasMessageStartingWith("stackName: stack name '9lives' is invalid");
    assertThatThrownBy(() -> LocalAws.builder().accountId("42"))
        .hasMessage("accountId must be 12 digits, was '42'");
    assertThatThrownBy(() -> LocalAws.builder().region("mars"))
        .hasMessage("region must look like us-east-1, was 'mars'");
  }

  @Test
  void aSecondLocalAwsOnTheSameSqsPortFailsNamingThePort() {
    int port = aws.sqsEndpoint().getPort();

    assertThatThrownBy(() -> LocalAws.builder().sqsPort(port).start())
        .isInstanceOfSatisfying(
            PortInUseException.class,
            e -> {
              assertThat(e.service()).isEqualTo(PortInUseException.Service.SQS);
              assertThat(e.port()).isEqualTo(port);
            })
        .hasMessageStartingWith("ElasticMQ (SQS) cannot listen on 127.0.0.1:" + port)
        .hasMessageContaining("already in use");
  }

  @Test
  void anOccupiedDynamoDbPortIsNamedAndTheStartedSqsIsStoppedAgain() throws IOException {
    int sqsPort = TestPorts.freeLoopbackPort();
    int dynamoDbPort = aws.dynamoDbEndpoint().getPort();

    assertThatThrownBy(() -> LocalAws.builder().sqsPort(sqsPort).dynamoDbPort(dynamoDbPort).start())
        .isInstanceOfSatisfying(
            PortInUseException.class,
            e -> {
              assertThat(e.service()).isEqualTo(PortInUseException.Service.DYNAMODB);
              assertThat(e.port()).isEqualTo(dynamoDbPort);
            })
        .hasMessageStartingWith("DynamoDB Local cannot listen on port " + dynamoDbPort)
        .hasMessageContaining("already in use");
    try (ServerSocket released = new ServerSocket(sqsPort, 1, InetAddress.getLoopbackAddress())) {
      assertThat(released.getLocalPort()).isEqualTo(sqsPort);
    }
  }
}
