package io.fenceq.tests.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.local.template.CloudFormationTemplate;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code template.yaml} against the code it deploys: the real template keeps every {@link
 * TemplateRules rule}, and a template doctored to break one is caught, naming what broke.
 */
class TemplateRulesTest {
  private static final Path TEMPLATE = Path.of("..", "template.yaml");
  private static final ClassLoader CLASSES = TemplateRulesTest.class.getClassLoader();
  private static final Set<String> LOGS = Set.of("logs:CreateLogStream", "logs:PutLogEvents");
  private static final Set<String> LEASES =
      Set.of(
          "dynamodb:UpdateItem",
          "dynamodb:GetItem",
          "dynamodb:DescribeTable",
          "dynamodb:DescribeTimeToLive");

  /** What SQS needs of a customer-managed key, granted only when KmsKeyArn is set. */
  private static final Set<String> KEY = Set.of("kms:Decrypt", "kms:GenerateDataKey");

  private static String text;
  private static TemplateRules rules;

  @BeforeAll
  static void read() throws IOException {
    text = Files.readString(TEMPLATE, StandardCharsets.UTF_8);
    rules = new TemplateRules(CloudFormationTemplate.parse(text, TEMPLATE.toString()));
  }

  /** The template with the first {@code from} replaced by {@code to}. */
  private static TemplateRules doctored(String from, String to) {
    return new TemplateRules(CloudFormationTemplate.parse(doctoredText(from, to), "doctored.yaml"));
  }

  /** The template's text with the first {@code from} replaced by {@code to}. */
  private static String doctoredText(String from, String to) {
    int at = text.indexOf(from);
    assertThat(at).as("template.yaml contains %s", from).isNotNegative();
    return text.substring(0, at) + to + text.substring(at + from.length());
  }

  /** The worker's FENCEQ_* variables, as ConsumerConfig names them. */
  static Set<String> workerVariables() {
    Set<String> names = new TreeSet<>();
    for (Field field : ConsumerConfig.class.getFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isStatic(modifiers) && field.getType() == String.class) {
        try {
          String value = (String) field.get(null);
          if (value.startsWith("FENCEQ_")) {
            names.add(value);
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return names;
  }

  @Test
  void theTemplateKeepsEveryRule() {
    assertThat(rules.all(CLASSES, workerVariables())).isEmpty();
  }

  @Test
  void theQueuesMustBeFifoEncryptedAndRedriveToTheDeadLetterQueue() {
    assertThat(rules.fifoQueues()).isEmpty();
    assertThat(doctored("FifoQueue: true", "FifoQueue: false").fifoQueues())
        .containsExactly("DeadLetterQueue: FifoQueue must be true, is 'false'");
    assertThat(
            doctored(
                    "SqsManagedSseEnabled: !If [HasKmsKey, !Ref AWS::NoValue, true]",
                    "SqsManagedSseEnabled: !If [HasKmsKey, !Ref AWS::NoValue, false]")
                .fifoQueues())
        .containsExactly(
            "DeadLetterQueue: with KmsKeyArn '' needs server-side encryption"
                + " (SqsManagedSseEnabled)");
  }

  @Test
  void thePayloadBucketIsEncryptedPrivateOutlastsBothQueuesAndOnlyItsObjectsAreGranted() {
    assertThat(rules.payloadBucket()).isEmpty();
    assertThat(doctored("SSEAlgorithm: AES256}", "SSEAlgorithm: none}").payloadBucket())
        .containsExactly(
            "PayloadBucket: ServerSideEncryptionByDefault SSEAlgorithm must be AES256 or aws:kms,"
                + " is 'none'");
    assertThat(
            doctored("        RestrictPublicBuckets: true", "        RestrictPublicBuckets: false")
                .payloadBucket())
        .containsExactly(
            "PayloadBucket: PublicAccessBlockConfiguration RestrictPublicBuckets must be true, is"
                + " 'false'");
    assertThat(doctored("ExpirationInDays: 45", "ExpirationInDays: 28").payloadBucket())
        .containsExactly(
            "PayloadBucket: ExpirationInDays 28 must be more than the work queue's and dead-letter"
                + " queue's retention together, 28 days");
    assertThat(
            doctored(
                    "            Action: [s3:GetObject, s3:DeleteObject]\n"
                        + "            Resource: !Sub \"${PayloadBucket.Arn}/*\"",
                    "            Action: [s3:GetObject, s3:DeleteObject]\n"
                        + "            Resource: !GetAtt PayloadBucket.Arn")
                .payloadBucket())
        .containsExactly(
            "ConsumerAccessPolicy statement#5: [s3:DeleteObject, s3:GetObject] on"
                + " {Fn::GetAtt=[PayloadBucket, Arn]}, must be the payload bucket's objects only,"
                + " {Fn::Sub=${PayloadBucket.Arn}/*}");
    assertThat(
            doctored(
                    "                Action: s3:PutObject",
                    "                Action: [s3:PutObject, s3:GetObject]")
                .payloadBucket())
        .containsExactly(
            "EnqueueRole: S3 grants must be [s3:PutObject], are [s3:GetObject, s3:PutObject]");
    assertThat(
            doctored("            - {Name: FENCEQ_PAYLOAD_BUCKET, Value: !Ref PayloadBucket}\n", "")
                .payloadBucket())
        .containsExactly(
            "WorkerTaskDefinition: FENCEQ_PAYLOAD_BUCKET must be {Ref=PayloadBucket}, is nothing"
                + " (null)");
  }

  @Test
  void theQueuesRedriveIsABackstopWellAboveTheConsumersMaxAttempts() {
    assertThat(rules.redriveBackstop()).isEmpty();
    assertThat(
            doctored(
                    "  MaxReceiveCount:\n    Type: Number\n    Default: 50",
                    "  MaxReceiveCount:\n    Type: Number\n    Default: 5")
                .redriveBackstop())
        .singleElement()
        .asString()
        .startsWith("MaxReceiveCount: default 5 must be at least 10x MaxAttempts' default 5");
    assertThat(doctored("          FENCEQ_MAX_ATTEMPTS: !Ref MaxAttempts\n", "").redriveBackstop())
        .containsExactly(
            "ConsumerFunction: FENCEQ_MAX_ATTEMPTS must be {Ref=MaxAttempts}, is nothing (null)");
    assertThat(
            doctored("maxReceiveCount: !Ref MaxReceiveCount", "maxReceiveCount: 5")
                .redriveBackstop())
        .singleElement()
        .asString()
        .startsWith("WorkQueue: RedrivePolicy maxReceiveCount must be {Ref=MaxReceiveCount}");
  }

  @Test
  void theLeaseTableMustCarryNoTtl() {
    assertThat(rules.leaseTable()).isEmpty();
    assertThat(
            doctored(
                    "      DeletionProtectionEnabled: true\n",
                    "      DeletionProtectionEnabled: true\n"
                        + "      TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}\n")
                .leaseTable())
        .singleElement()
        .asString()
        .startsWith("LeaseTable: must carry no TTL");
  }

  @Test
  void theWorkQueuesVisibilityMustBeSixTimesTheConsumersTimeoutForEveryAllowedTimeout() {
    assertThat(rules.lambdaVisibility()).isEmpty();
    assertThat(doctored("\"300\": {Seconds: 1800}", "\"300\": {Seconds: 1799}").lambdaVisibility())
        .containsExactly(
            "ConsumerTimeoutSeconds=300: the work queue's VisibilityTimeout 1799 is less than 6x"
                + " the consumer's Timeout 300");
    assertThat(doctored("Timeout: !Ref ConsumerTimeoutSeconds", "Timeout: 900").lambdaVisibility())
        .hasSize(7);
  }

  @Test
  void eachConsumerModeCreatesOnlyItsOwnConsumer() {
    assertThat(rules.oneConsumerPerMode()).isEmpty();
    assertThat(
            doctored(
                    "    Type: AWS::Serverless::Function\n    Condition: LambdaConsumers\n",
                    "    Type: AWS::Serverless::Function\n")
                .oneConsumerPerMode())
        .containsExactly("ConsumerMode=ecs: creates ConsumerFunction and WorkerService");
  }

  @Test
  void theLeaderTokenQueueExistsOnlyWhenTheTokenElectsTheLeader() {
    assertThat(rules.leaderTokenQueueOnlyWhenChosen()).isEmpty();
    assertThat(
            doctored(
                    "    Type: AWS::SQS::Queue\n    Condition: SqsTokenLeader\n",
                    "    Type: AWS::SQS::Queue\n")
                .leaderTokenQueueOnlyWhenChosen())
        .containsExactly("LeaderElection=dynamodb: creates LeaderTokenQueue");
  }

  @Test
  void theSqsEventSourceMustReportBatchItemFailures() {
    assertThat(rules.partialBatchResponses()).isEmpty();
    assertThat(
            doctored(
                    "FunctionResponseTypes: [ReportBatchItemFailures]", "FunctionResponseTypes: []")
                .partialBatchResponses())
        .containsExactly(
            "ConsumerFunction: its SQS event needs FunctionResponseTypes ReportBatchItemFailures");
  }

  @Test
  void theWorkerTaskSetsEveryWorkerVariableAndWaitsForItsShutdown() {
    assertThat(workerVariables())
        .contains("FENCEQ_QUEUE_URL", "FENCEQ_SHUTDOWN_SECONDS", "FENCEQ_HANDLER")
        .hasSizeGreaterThanOrEqualTo(11);
    assertThat(rules.workerEnvironment(workerVariables())).isEmpty();
    assertThat(
            doctored("            - {Name: FENCEQ_LEASE_SECONDS, Value: !Ref LeaseSeconds}\n", "")
                .workerEnvironment(workerVariables()))
        .containsExactly(
            "WorkerTaskDefinition: does not set [FENCEQ_LEASE_SECONDS] that the worker reads");
    assertThat(
            doctored("StopTimeout: !Ref WorkerShutdownSeconds", "StopTimeout: 120")
                .workerEnvironment(workerVariables()))
        .containsExactly(
            "WorkerTaskDefinition: StopTimeout '120' must be FENCEQ_SHUTDOWN_SECONDS"
                + " {Ref=WorkerShutdownSeconds}");
  }

  @Test
  void everyIamStatementNamesOnlyThisStacksResources() {
    assertThat(rules.iamScopedToStack()).isEmpty();
    assertThat(
            doctored(
                    "Action: sqs:SendMessage\n            Resource: !GetAtt DeadLetterQueue.Arn",
                    "Action: sqs:SendMessage\n            Resource: \"*\"")
                .iamScopedToStack())
        .containsExactly(
            "ConsumerAccessPolicy statement#2: [sqs:SendMessage] on '*', which is not one of this"
                + " stack's resources");
    assertThat(
            doctored("Action: [sqs:SendMessage, sqs:GetQueueAttributes]", "Action: [sqs:*]")
                .iamScopedToStack())
        .containsExactly("EnqueueRole statement#2: wildcard action sqs:*");
    assertThat(
            doctored(
                    "      ManagedPolicyArns:\n        - !Ref ConsumerAccessPolicy\n",
                    "      ManagedPolicyArns:\n"
                        + "        - arn:aws:iam::aws:policy/AmazonSQSFullAccess\n")
                .iamScopedToStack())
        .containsExactly(
            "ConsumerRole: attaches a policy from outside the stack:"
                + " arn:aws:iam::aws:policy/AmazonSQSFullAccess");
  }

  @Test
  void eachRoleMayTouchOnlyItsOwnQueuesAndTables() {
    Set<String> send = Set.of("sqs:SendMessage", "sqs:GetQueueAttributes");
    Map<String, Set<String>> consumer =
        Map.of(
            "WorkQueue",
            Set.of(
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes"),
            "DeadLetterQueue",
            Set.of("sqs:SendMessage"),
            "LeaseTable",
            LEASES,
            "InventoryTable",
            Set.of("dynamodb:UpdateItem", "dynamodb:GetItem"),
            "KmsKeyArn",
            KEY,
            "PayloadBucket/*",
            Set.of("s3:GetObject", "s3:DeleteObject"));

    assertThat(rules.grants("EnqueueRole"))
        .isEqualTo(
            Map.of(
                "EnqueueLogGroup",
                LOGS,
                "WorkQueue",
                send,
                "LeaseTable",
                Set.of("dynamodb:GetItem"),
                "KmsKeyArn",
                KEY,
                "PayloadBucket/*",
                Set.of("s3:PutObject")));
    assertThat(rules.grants("LeaderRole"))
        .isEqualTo(
            Map.of(
                "LeaderLogGroup",
                LOGS,
                "LeaseTable",
                LEASES,
                "WorkQueue",
                send,
                "LeaderTokenQueue",
                Set.of(
                    "sqs:ReceiveMessage",
                    "sqs:SendMessage",
                    "sqs:DeleteMessage",
                    "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes"),
                "KmsKeyArn",
                KEY));
    assertThat(rules.grants("WorkerTaskRole")).isEqualTo(consumer);
    Map<String, Set<String>> lambdaConsumer = new HashMap<>(consumer);
    lambdaConsumer.put("ConsumerLogGroup", LOGS);
    assertThat(rules.grants("ConsumerRole")).isEqualTo(lambdaConsumer);
  }

  @Test
  void theDeadLetterQueueAndTheOldestJobAreAlarmed() {
    assertThat(rules.alarms()).isEmpty();
    assertThat(
            doctored(
                    "\n      MetricName: ApproximateNumberOfMessagesVisible",
                    "\n      MetricName: NumberOfMessagesSent")
                .alarms())
        .containsExactly("no alarm on DeadLetterQueue ApproximateNumberOfMessagesVisible > 0");
  }

  @Test
  void theQueuesKeepJobsTheLongestAndTheOldestIsAlarmedAtHalfOfIt() {
    assertThat(rules.retentionAndSize()).isEmpty();
    assertThat(
            doctored(
                    "      MessageRetentionPeriod: 1209600\n      # SQS's largest size (1 MiB). Jobs",
                    "      MessageRetentionPeriod: 345600\n      # SQS's largest size (1 MiB). Jobs")
                .retentionAndSize())
        .containsExactly("WorkQueue: MessageRetentionPeriod must be 1209600, is '345600'");
    assertThat(
            doctored(
                    "within this size.\n      MaximumMessageSize: 1048576\n", "within this size.\n")
                .retentionAndSize())
        .containsExactly("DeadLetterQueue: MaximumMessageSize must be 1048576, is nothing (null)");
    assertThat(doctored("      Threshold: 604800", "      Threshold: 1000000").retentionAndSize())
        .containsExactly(
            "no alarm on WorkQueue ApproximateAgeOfOldestMessage at a fixed threshold of at most"
                + " half its retention");
  }

  @Test
  void theApiIsThrottledByParametersAndWritesJsonAccessLogsThatExpire() {
    assertThat(rules.apiThrottlingAndAccessLogs()).isEmpty();
    assertThat(
            doctored(
                    "ThrottlingBurstLimit: !Ref ApiThrottlingBurstLimit\n",
                    "ThrottlingBurstLimit: 5000\n")
                .apiThrottlingAndAccessLogs())
        .containsExactly(
            "EnqueueApi: DefaultRouteSettings.ThrottlingBurstLimit must be a parameter, is '5000'");
    assertThat(doctored("\"integrationError\":", "integrationError:").apiThrottlingAndAccessLogs())
        .singleElement()
        .asString()
        .startsWith("EnqueueApi: AccessLogSettings.Format must be a JSON object");
    assertThat(
            doctored(
                    "      LogGroupName: !Sub \"/fenceq/${AWS::StackName}/api-access\"\n"
                        + "      RetentionInDays: !Ref LogRetentionDays\n",
                    "      LogGroupName: !Sub \"/fenceq/${AWS::StackName}/api-access\"\n")
                .apiThrottlingAndAccessLogs())
        .containsExactly("ApiAccessLogGroup: needs RetentionInDays");
  }

  @Test
  void theWorkerRunsOnAReadOnlyRootWithAWritableTmpAndAHealthCheck() {
    assertThat(rules.workerTaskHardening()).isEmpty();
    assertThat(
            doctored("ReadonlyRootFilesystem: true", "ReadonlyRootFilesystem: false")
                .workerTaskHardening())
        .containsExactly(
            "WorkerTaskDefinition container worker: ReadonlyRootFilesystem must be true");
    assertThat(doctored("      Volumes:\n        - Name: tmp\n", "").workerTaskHardening())
        .containsExactly(
            "WorkerTaskDefinition container worker: needs a writable volume of the task mounted"
                + " at /tmp");
    assertThat(
            doctored("          HealthCheck:\n", "          HealthCheckOff:\n")
                .workerTaskHardening())
        .containsExactly("WorkerTaskDefinition container worker: needs a HealthCheck command");
    assertThat(
            doctored(
                    "test -f /tmp/fenceq-healthy || exit 1",
                    "grep -q io.fenceq.worker.WorkerMain /proc/1/cmdline || exit 1")
                .workerTaskHardening())
        .containsExactly(
            "WorkerTaskDefinition container worker: the HealthCheck must test -f"
                + " /tmp/fenceq-healthy");
    assertThat(
            doctored(
                    "{Name: FENCEQ_HEALTH_FILE, Value: /tmp/fenceq-healthy}",
                    "{Name: FENCEQ_HEALTH_FILE, Value: /var/fenceq-healthy}")
                .workerTaskHardening())
        .containsExactly(
            "WorkerTaskDefinition container worker: FENCEQ_HEALTH_FILE must name a file under"
                + " /tmp, is /var/fenceq-healthy");
  }

  @Test
  void aCustomerKeyWhenGivenEncryptsTheQueuesTheTablesAndTheLogsAndNothingOtherwise() {
    assertThat(rules.customerKey()).isEmpty();
    assertThat(
            doctored("      KmsKeyId: !If [HasKmsKey, !Ref KmsKeyArn, !Ref AWS::NoValue]\n", "")
                .customerKey())
        .containsExactly(
            "ApiAccessLogGroup: with KmsKeyArn '"
                + TemplateRules.SOME_KEY
                + "' uses key nothing (null)");
    assertThat(
            doctored(
                    "KMSMasterKeyId: !If [HasKmsKey, !Ref KmsKeyArn, !Ref AWS::NoValue]",
                    "KMSMasterKeyId: alias/aws/dynamodb")
                .customerKey())
        .hasSize(2)
        .allMatch(problem -> problem.startsWith("LeaseTable: with KmsKeyArn"));
    // The key's grant follows the statement's condition: checked like any other statement.
    assertThat(
            doctored("              Resource: !Ref KmsKeyArn", "              Resource: \"*\"")
                .iamScopedToStack())
        .singleElement()
        .asString()
        .contains("[kms:Decrypt, kms:GenerateDataKey] on '*'");
  }

  @Test
  void theWorkerPullsOnlyFromItsImagesRepository() {
    assertThat(doctored(":repository/${WorkerRepository}", ":repository/*").iamScopedToStack())
        .singleElement()
        .asString()
        .startsWith(
            "WorkerExecutionRole statement#2: [ecr:BatchCheckLayerAvailability, ecr:BatchGetImage,"
                + " ecr:GetDownloadUrlForLayer] on");
  }

  @Test
  void everyHandlerExistsAndGetsEveryVariableItReads() {
    assertThat(rules.functions(CLASSES)).isEmpty();
    assertThat(
            doctored(
                    "io.fenceq.functions.EnqueueFunction::handleRequest",
                    "io.fenceq.functions.EnqueueFunction::handle")
                .functions(CLASSES))
        .containsExactly(
            "EnqueueFunction: Handler class io.fenceq.functions.EnqueueFunction has no public"
                + " method handle");
    assertThat(
            doctored(
                    "io.fenceq.functions.LeaderFunction::handleRequest",
                    "io.fenceq.functions.Leader::handleRequest")
                .functions(CLASSES))
        .containsExactly(
            "LeaderFunction: Handler class io.fenceq.functions.Leader is not in the functions"
                + " package");
    // The first function given the lease table is the enqueue function (it reads the ring's epoch).
    assertThat(doctored("          FENCEQ_LEASE_TABLE: !Ref LeaseTable\n", "").functions(CLASSES))
        .containsExactly(
            "EnqueueFunction: does not set [FENCEQ_LEASE_TABLE] that EnqueueFunction reads");
    assertThat(doctored("    Runtime: java21", "    Runtime: java17").functions(CLASSES))
        .hasSize(3)
        .allMatch(problem -> problem.contains("Runtime must be java21, is 'java17'"));
  }

  @Test
  void theFunctionsEnvironmentsIncludeTheGlobalOnes() {
    assertThat(rules.environment("EnqueueFunction"))
        .containsExactlyInAnyOrder(
            "FENCEQ_LANES",
            "FENCEQ_QUEUE_URL",
            "FENCEQ_PAYLOAD_BUCKET",
            "FENCEQ_LEASE_TABLE",
            "FENCEQ_RING_EPOCHS");
    assertThat(rules.environment("LeaderFunction")).contains("FENCEQ_RING_EPOCHS");
    assertThat(Arrays.asList("FENCEQ_QUEUE_URL", "FENCEQ_DLQ_URL", "FENCEQ_LEASE_TABLE"))
        .allMatch(rules.environment("ConsumerFunction")::contains);
  }

  @Test
  void theDashboardShowsTheQueuesTheEnginesMetricsAndTheConsumerOfEachMode() {
    MonitoringRules monitoring = monitoring(text);
    assertThat(monitoring.dashboard()).isEmpty();
    assertThat(MonitoringRules.engineMetrics())
        .contains("JobsOk", "JobsFenced", "LaneLeaseRefusals")
        .doesNotContain("queue", "type");
    // A metric the engine does not publish, under the name someone might guess.
    assertThat(
            monitoring(
                    doctoredText(
                        "MetricName=\\\"JobsFenced\\\"", "MetricName=\\\"FencedWrites\\\""))
                .dashboard())
        .contains("Dashboard with ConsumerMode=lambda: shows no fenceq JobsFenced queue=WorkQueue")
        .anyMatch(p -> p.contains("FencedWrites, which the engine does not publish"));
    assertThat(
            monitoring(
                    doctoredText(
                        "[\"fenceq\", \"LaneLeaseRefusals\"", "[\"FenceQ\", \"LaneLeaseRefusals\""))
                .dashboard())
        .anyMatch(p -> p.contains("names namespace FenceQ"));
    assertThat(
            monitoring(
                    doctoredText(
                        "[\"AWS/Lambda\", \"Throttles\"", "[\"AWS/Lambda\", \"Invocations\""))
                .dashboard())
        .containsExactly(
            "Dashboard with ConsumerMode=lambda: shows no AWS/Lambda Throttles"
                + " FunctionName=ConsumerFunction");
    assertThat(monitoring(doctoredText("\"metrics\": [", "\"metrics\" [")).dashboard())
        .hasSize(2)
        .allMatch(p -> p.contains("DashboardBody is not JSON"));
  }

  @Test
  void theWorkersScaleOnBacklogPerTaskBetweenParameters() {
    assertThat(monitoring(text).workerAutoScaling()).isEmpty();
    assertThat(
            monitoring(doctoredText("MaxCapacity: !Ref WorkerMaxCount", "MaxCapacity: 10"))
                .workerAutoScaling())
        .containsExactly("WorkerScalableTarget: MaxCapacity must be a template parameter, is 10");
    assertThat(
            monitoring(doctoredText("Expression: backlog / tasks", "Expression: backlog"))
                .workerAutoScaling())
        .containsExactly(
            "WorkerBacklogScalingPolicy: exactly one query must return data, the expression"
                + " backlog / tasks; returns [backlog]");
    assertThat(
            monitoring(
                    doctoredText(
                        "ScalableTarget\n    Condition: EcsConsumers\n", "ScalableTarget\n"))
                .workerAutoScaling())
        .containsExactly(
            "WorkerScalableTarget: Condition must be the worker service's EcsConsumers");
  }

  @Test
  void theMonitoringResourcesKeepTheResourceSpecification() {
    assertThat(monitoring(text).specification()).isEmpty();
    assertThat(
            monitoring(doctoredText("ScaleInCooldown: 300", "ScaleInCoolDown: 300"))
                .specification())
        .singleElement()
        .asString()
        .startsWith(
            "WorkerBacklogScalingPolicy.TargetTrackingScalingPolicyConfiguration: has no property"
                + " ScaleInCoolDown");
    assertThat(
            monitoring(
                    doctoredText(
                        "                Stat: Average\n", "                Statistic: Average\n"))
                .specification())
        .singleElement()
        .asString()
        .startsWith(
            "WorkerBacklogScalingPolicy.TargetTrackingScalingPolicyConfiguration"
                + ".CustomizedMetricSpecification.Metrics[1].MetricStat: has no property Statistic");
    assertThat(
            monitoring(doctoredText("      PolicyType: TargetTrackingScaling\n", ""))
                .specification())
        .containsExactly("WorkerBacklogScalingPolicy: lacks required property PolicyType");
  }

  private static MonitoringRules monitoring(String templateText) {
    CloudFormationTemplate parsed = CloudFormationTemplate.parse(templateText, "doctored.yaml");
    return new MonitoringRules(parsed, new TemplateRules(parsed));
  }
}
