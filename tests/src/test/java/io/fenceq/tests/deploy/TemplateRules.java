package io.fenceq.tests.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.TemplateParameter;
import io.fenceq.local.template.TemplateResource;
import io.fenceq.local.template.internal.IntrinsicResolver;
import io.fenceq.local.template.internal.PseudoParameters;
import io.fenceq.local.template.internal.ResourceValues;
import io.fenceq.local.template.internal.Site;
import io.fenceq.local.template.internal.Trees;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules {@code template.yaml} keeps so that a deployed stack is safe and runs the code of this
 * repository. Each check returns the problems it finds, one line each naming the resource and the
 * value; an empty list means the template keeps the rule.
 */
final class TemplateRules {
  static final String WORK_QUEUE = "WorkQueue";
  static final String DEAD_LETTER_QUEUE = "DeadLetterQueue";
  static final String LEASE_TABLE = "LeaseTable";
  static final String CONSUMER_FUNCTION = "ConsumerFunction";
  static final String WORKER_SERVICE = "WorkerService";
  static final String WORKER_TASK_DEFINITION = "WorkerTaskDefinition";

  /**
   * The only statements whose resources are not this stack's own, each with the reason AWS leaves
   * no narrower choice. Keyed by the statement's actions.
   */
  static final Map<Set<String>, Object> RESOURCE_EXCEPTIONS =
      Map.of(
          // ECR's GetAuthorizationToken has no resource-level permissions: AWS requires "*".
          Set.of("ecr:GetAuthorizationToken"),
          "*",
          // The worker image's repository is not created by the stack (the image is pushed before
          // the stack can run it), so it is named by a parameter: that repository and no other.
          Set.of(
              "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
          Map.of(
              "Fn::Sub",
              "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}"
                  + ":repository/${WorkerRepository}"),
          // The customer-managed key is the customer's, named by the KmsKeyArn parameter.
          Set.of("kms:Decrypt", "kms:GenerateDataKey"),
          Map.of("Ref", "KmsKeyArn"));

  static final String ENQUEUE_API = "EnqueueApi";

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

  private final CloudFormationTemplate template;

  TemplateRules(CloudFormationTemplate template) {
    this.template = template;
  }

  /** Every problem the template has. */
  List<String> all(ClassLoader functions, Set<String> workerVariables) {
    List<String> problems = new ArrayList<>();
    problems.addAll(fifoQueues());
    problems.addAll(leaseTable());
    problems.addAll(lambdaVisibility());
    problems.addAll(oneConsumerPerMode());
    problems.addAll(leaderTokenQueueOnlyWhenChosen());
    problems.addAll(partialBatchResponses());
    problems.addAll(functions(functions));
    problems.addAll(workerEnvironment(workerVariables));
    problems.addAll(iamScopedToStack());
    problems.addAll(alarms());
    problems.addAll(retentionAndSize());
    problems.addAll(apiThrottlingAndAccessLogs());
    problems.addAll(workerTaskHardening());
    problems.addAll(customerKey());
    problems.addAll(redriveBackstop());
    problems.addAll(new MonitoringRules(template, this).all());
    problems.addAll(payloadBucket());
    return problems;
  }

  static final String PAYLOAD_BUCKET = "PayloadBucket";

  /** The only S3 actions any role of the stack may have, all on the payload bucket's objects. */
  static final Set<String> PAYLOAD_ACTIONS =
      Set.of("s3:GetObject", "s3:DeleteObject", "s3:PutObject");

  /**
   * The bucket of offloaded envelopes is encrypted, closed to the public, owned by the bucket
   * owner, and expires its objects after longer than a job can wait on the work queue and then on
   * the dead-letter queue together (a dead-lettered job keeps its envelope). Roles reach only its
   * objects ({@code ${PayloadBucket.Arn}/*}) with {@link #PAYLOAD_ACTIONS}: the consumers (function
   * and worker task) read and delete, the enqueue function writes; every consumer is told the
   * bucket.
   */
  List<String> payloadBucket() {
    List<String> problems = new ArrayList<>();
    TemplateResource bucket = template.resources().get(PAYLOAD_BUCKET);
    if (bucket == null || !bucket.type().equals("AWS::S3::Bucket")) {
      return List.of("no AWS::S3::Bucket " + PAYLOAD_BUCKET);
    }
    Map<String, Object> props = bucket.properties();
    List<?> encryption =
        list(map(props.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"));
    if (encryption.isEmpty()) {
      problems.add(PAYLOAD_BUCKET + ": BucketEncryption must set a default encryption");
    }
    for (Object rule : encryption) {
      Object defaults = map(rule).get("ServerSideEncryptionByDefault");
      List<Object> branches = new ArrayList<>();
      if (map(defaults).get("Fn::If") instanceof List<?> ifs && ifs.size() == 3) {
        branches.add(ifs.get(1));
        branches.add(ifs.get(2));
      } else {
        branches.add(defaults);
      }
      for (Object branch : branches) {
        Object algorithm = map(branch).get("SSEAlgorithm");
        if (!Set.of("AES256", "aws:kms", "aws:kms:dsse").contains(algorithm)) {
          problems.add(
              PAYLOAD_BUCKET
                  + ": ServerSideEncryptionByDefault SSEAlgorithm must be AES256 or aws:kms, is "
                  + describe(algorithm));
        }
      }
    }
    Map<String, Object> block = map(props.get("PublicAccessBlockConfiguration"));
    for (String setting :
        List.of(
            "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
      if (!Boolean.TRUE.equals(block.get(setting))) {
        problems.add(
            PAYLOAD_BUCKET
                + ": PublicAccessBlockConfiguration "
                + setting
                + " must be true, is "
                + describe(block.get(setting)));
      }
    }
    long waitDays = 0;
    for (String queue : List.of(WORK_QUEUE, DEAD_LETTER_QUEUE)) {
      if (properties(queue).get("MessageRetentionPeriod") instanceof Number n) {
        waitDays += (n.longValue() + 86_399) / 86_400;
      }
    }
    boolean outlasts = false;
    for (Object rule : list(map(props.get("LifecycleConfiguration")).get("Rules"))) {
      Map<String, Object> r = map(rule);
      if ("Enabled".equals(r.get("Status"))
          && !r.containsKey("Prefix")
          && !r.containsKey("Filter")
          && r.get("ExpirationInDays") instanceof Number days) {
        if (days.longValue() > waitDays) {
          outlasts = true;
        } else {
          problems.add(
              PAYLOAD_BUCKET
                  + ": ExpirationInDays "
                  + days
                  + " must be more than the work queue's and dead-letter queue's retention"
                  + " together, "
                  + waitDays
                  + " days");
        }
      }
    }
    if (!outlasts && problems.stream().noneMatch(p -> p.contains("ExpirationInDays"))) {
      problems.add(
          PAYLOAD_BUCKET
              + ": needs an enabled lifecycle rule on every object with ExpirationInDays above "
              + waitDays);
    }
    Map<String, Object> objects = Map.of("Fn::Sub", "${" + PAYLOAD_BUCKET + ".Arn}/*");
    statements()
        .forEach(
            (owner, statement) -> {
              Set<String> actions = new TreeSet<>(texts(statement.get("Action")));
              boolean s3 = actions.stream().anyMatch(a -> a.startsWith("s3:"));
              boolean allow = "Allow".equals(statement.get("Effect"));
              if (!s3 || !allow) {
                return;
              }
              if (!PAYLOAD_ACTIONS.containsAll(actions)) {
                problems.add(owner + ": S3 actions " + actions + " beyond " + PAYLOAD_ACTIONS);
              }
              for (Object resource : elements(statement.get("Resource"))) {
                if (!objects.equals(resource)) {
                  problems.add(
                      owner
                          + ": "
                          + actions
                          + " on "
                          + describe(resource)
                          + ", must be the payload bucket's objects only, "
                          + objects);
                }
              }
            });
    Map<String, Set<String>> expected =
        Map.of(
            "ConsumerRole", Set.of("s3:GetObject", "s3:DeleteObject"),
            "WorkerTaskRole", Set.of("s3:GetObject", "s3:DeleteObject"),
            "EnqueueRole", Set.of("s3:PutObject"),
            "LeaderRole", Set.of());
    expected.forEach(
        (role, actions) -> {
          Set<String> granted = new TreeSet<>();
          grants(role)
              .forEach(
                  (target, all) ->
                      all.stream().filter(a -> a.startsWith("s3:")).forEach(granted::add));
          if (!granted.equals(new TreeSet<>(actions))) {
            problems.add(
                role + ": S3 grants must be " + new TreeSet<>(actions) + ", are " + granted);
          }
        });
    Map<String, Object> ref = Map.of("Ref", PAYLOAD_BUCKET);
    Object functionBucket =
        map(map(properties(CONSUMER_FUNCTION).get("Environment")).get("Variables"))
            .get("FENCEQ_PAYLOAD_BUCKET");
    if (!ref.equals(functionBucket)) {
      problems.add(
          CONSUMER_FUNCTION
              + ": FENCEQ_PAYLOAD_BUCKET must be "
              + ref
              + ", is "
              + describe(functionBucket));
    }
    Object workerBucket = null;
    for (Object entry :
        list(
            map(list(properties(WORKER_TASK_DEFINITION).get("ContainerDefinitions")).get(0))
                .get("Environment"))) {
      if ("FENCEQ_PAYLOAD_BUCKET".equals(map(entry).get("Name"))) {
        workerBucket = map(entry).get("Value");
      }
    }
    if (!ref.equals(workerBucket)) {
      problems.add(
          WORKER_TASK_DEFINITION
              + ": FENCEQ_PAYLOAD_BUCKET must be "
              + ref
              + ", is "
              + describe(workerBucket));
    }
    return problems;
  }

  /**
   * SQS's redrive is only a backstop behind the consumers' own count of real attempts: the work
   * queue redrives after {@code MaxReceiveCount} receives, the worker and the consumer function
   * dead-letter after {@code MaxAttempts} failures (FENCEQ_MAX_ATTEMPTS), and the default receive
   * count is at least ten times the default attempts, since SQS counts unrun returns as receives.
   */
  List<String> redriveBackstop() {
    List<String> problems = new ArrayList<>();
    Map<String, Object> receiveRef = Map.of("Ref", "MaxReceiveCount");
    Map<String, Object> attemptsRef = Map.of("Ref", "MaxAttempts");
    Object count = map(properties(WORK_QUEUE).get("RedrivePolicy")).get("maxReceiveCount");
    if (!receiveRef.equals(count)) {
      problems.add(
          WORK_QUEUE
              + ": RedrivePolicy maxReceiveCount must be "
              + receiveRef
              + ", is "
              + describe(count));
    }
    Map<String, Object> container =
        map(list(properties(WORKER_TASK_DEFINITION).get("ContainerDefinitions")).get(0));
    Object workerAttempts = null;
    for (Object entry : list(container.get("Environment"))) {
      if ("FENCEQ_MAX_ATTEMPTS".equals(map(entry).get("Name"))) {
        workerAttempts = map(entry).get("Value");
      }
    }
    Object functionAttempts =
        map(map(properties("ConsumerFunction").get("Environment")).get("Variables"))
            .get("FENCEQ_MAX_ATTEMPTS");
    Map<String, Object> passed = new LinkedHashMap<>();
    passed.put(WORKER_TASK_DEFINITION, workerAttempts);
    passed.put("ConsumerFunction", functionAttempts);
    passed.forEach(
        (id, value) -> {
          if (!attemptsRef.equals(value)) {
            problems.add(
                id + ": FENCEQ_MAX_ATTEMPTS must be " + attemptsRef + ", is " + describe(value));
          }
        });
    long receives = defaultNumber("MaxReceiveCount");
    long attempts = defaultNumber("MaxAttempts");
    if (receives < 10 * attempts) {
      problems.add(
          "MaxReceiveCount: default "
              + receives
              + " must be at least 10x MaxAttempts' default "
              + attempts
              + ": SQS counts every receive, also the unrun returns, and would redrive healthy"
              + " jobs");
    }
    return problems;
  }

  private long defaultNumber(String parameter) {
    TemplateParameter declared = template.parameters().get(parameter);
    if (declared == null || declared.defaultValue().isEmpty()) {
      return 0;
    }
    return Long.parseLong(declared.defaultValue().get());
  }

  /**
   * With {@code KmsKeyArn} set, the queues, the tables and every log group use that key; without
   * it, none names a key (the default deploy is unchanged).
   */
  List<String> customerKey() {
    List<String> problems = new ArrayList<>();
    Map<String, String> keyProperty = new LinkedHashMap<>();
    for (TemplateResource r : template.resources().values()) {
      switch (r.type()) {
        case "AWS::SQS::Queue" -> keyProperty.put(r.logicalId(), "KmsMasterKeyId");
        case "AWS::DynamoDB::Table" -> keyProperty.put(r.logicalId(), "SSESpecification");
        case "AWS::Logs::LogGroup" -> keyProperty.put(r.logicalId(), "KmsKeyId");
        default -> {}
      }
    }
    for (String key : List.of("", SOME_KEY)) {
      Stack stack = stack(Map.of("KmsKeyArn", key));
      keyProperty.forEach(
          (id, property) -> {
            Object value = stack.properties(id).get(property);
            Object named =
                property.equals("SSESpecification") ? map(value).get("KMSMasterKeyId") : value;
            Object expected = key.isEmpty() ? null : key;
            if (!java.util.Objects.equals(expected, named)) {
              problems.add(id + ": with KmsKeyArn '" + key + "' uses key " + describe(named));
            }
          });
    }
    return problems;
  }

  /**
   * The enqueue API throttles every route by parameters (a runaway client answers 429 instead of
   * spending the account's Lambda concurrency) and writes JSON access logs to a log group of the
   * stack that expires them.
   */
  List<String> apiThrottlingAndAccessLogs() {
    List<String> problems = new ArrayList<>();
    Map<String, Object> properties = properties(ENQUEUE_API);
    Map<String, Object> route = map(properties.get("DefaultRouteSettings"));
    for (String limit : List.of("ThrottlingBurstLimit", "ThrottlingRateLimit")) {
      Object value = route.get(limit);
      if (!(map(value).get("Ref") instanceof String parameter)
          || !template.parameters().containsKey(parameter)) {
        problems.add(
            ENQUEUE_API
                + ": DefaultRouteSettings."
                + limit
                + " must be a parameter, is "
                + describe(value));
      }
    }
    Map<String, Object> logs = map(properties.get("AccessLogSettings"));
    Object destination = logs.get("DestinationArn");
    List<?> getAtt = list(map(destination).get("Fn::GetAtt"));
    String group = getAtt.isEmpty() ? "" : String.valueOf(getAtt.get(0));
    TemplateResource logGroup = template.resources().get(group);
    if (logGroup == null || !logGroup.type().equals("AWS::Logs::LogGroup")) {
      problems.add(
          ENQUEUE_API
              + ": AccessLogSettings.DestinationArn must be a log group of the stack, is "
              + describe(destination));
    } else if (!logGroup.properties().containsKey("RetentionInDays")) {
      problems.add(group + ": needs RetentionInDays");
    }
    Object format = logs.get("Format");
    try {
      if (!(format instanceof String text) || !new ObjectMapper().readTree(text).isObject()) {
        problems.add(ENQUEUE_API + ": AccessLogSettings.Format must be a JSON object");
      }
    } catch (JsonProcessingException e) {
      problems.add(
          ENQUEUE_API
              + ": AccessLogSettings.Format must be a JSON object: "
              + e.getOriginalMessage());
    }
    return problems;
  }

  /**
   * The worker container has a read-only root filesystem with a writable /tmp volume (the JVM
   * writes there) and a health check that tests the health file the worker is told to keep, in that
   * volume.
   */
  List<String> workerTaskHardening() {
    List<String> problems = new ArrayList<>();
    Map<String, Object> task = properties(WORKER_TASK_DEFINITION);
    Set<String> volumes = new TreeSet<>();
    for (Object volume : list(task.get("Volumes"))) {
      volumes.add(String.valueOf(map(volume).get("Name")));
    }
    for (Object node : list(task.get("ContainerDefinitions"))) {
      Map<String, Object> container = map(node);
      String name = WORKER_TASK_DEFINITION + " container " + container.get("Name");
      if (!Boolean.TRUE.equals(container.get("ReadonlyRootFilesystem"))) {
        problems.add(name + ": ReadonlyRootFilesystem must be true");
      }
      boolean tmp =
          list(container.get("MountPoints")).stream()
              .map(TemplateRules::map)
              .anyMatch(
                  m ->
                      "/tmp".equals(m.get("ContainerPath"))
                          && volumes.contains(String.valueOf(m.get("SourceVolume")))
                          && !Boolean.TRUE.equals(m.get("ReadOnly")));
      if (!tmp) {
        problems.add(name + ": needs a writable volume of the task mounted at /tmp");
      }
      List<?> command = list(map(container.get("HealthCheck")).get("Command"));
      if (command.isEmpty()) {
        problems.add(name + ": needs a HealthCheck command");
        continue;
      }
      String healthFile =
          list(container.get("Environment")).stream()
              .map(TemplateRules::map)
              .filter(e -> "FENCEQ_HEALTH_FILE".equals(e.get("Name")))
              .map(e -> String.valueOf(e.get("Value")))
              .findFirst()
              .orElse(null);
      if (healthFile == null || !healthFile.startsWith("/tmp/")) {
        problems.add(name + ": FENCEQ_HEALTH_FILE must name a file under /tmp, is " + healthFile);
      } else if (!String.valueOf(command.get(command.size() - 1))
          .contains("test -f " + healthFile)) {
        problems.add(name + ": the HealthCheck must test -f " + healthFile);
      }
    }
    return problems;
  }

  /** SQS's longest retention, in seconds (14 days). */
  static final int MAX_RETENTION_SECONDS = 1_209_600;

  /** SQS's largest message size, which the engine budgets the dead-letter copy for. */
  static final int MAX_MESSAGE_BYTES = 1_048_576;

  /**
   * Both queues keep messages for SQS's longest retention, the dead-letter queue takes SQS's
   * largest message (the job plus the copy's attributes), and an alarm on the work queue's oldest
   * job fires by half the retention, long before SQS deletes it silently.
   */
  List<String> retentionAndSize() {
    List<String> problems = new ArrayList<>();
    for (String queue : List.of(WORK_QUEUE, DEAD_LETTER_QUEUE)) {
      Object retention = properties(queue).get("MessageRetentionPeriod");
      if (!Integer.valueOf(MAX_RETENTION_SECONDS).equals(retention)) {
        problems.add(
            queue
                + ": MessageRetentionPeriod must be "
                + MAX_RETENTION_SECONDS
                + ", is "
                + describe(retention));
      }
    }
    Object size = properties(DEAD_LETTER_QUEUE).get("MaximumMessageSize");
    if (!Integer.valueOf(MAX_MESSAGE_BYTES).equals(size)) {
      problems.add(
          DEAD_LETTER_QUEUE
              + ": MaximumMessageSize must be "
              + MAX_MESSAGE_BYTES
              + ", is "
              + describe(size));
    }
    boolean nearExpiry =
        ofType("AWS::CloudWatch::Alarm").stream()
            .map(TemplateResource::properties)
            .filter(alarm -> isQueueAlarm(alarm, "ApproximateAgeOfOldestMessage", WORK_QUEUE))
            .map(alarm -> alarm.get("Threshold"))
            .anyMatch(t -> t instanceof Number n && n.longValue() <= MAX_RETENTION_SECONDS / 2);
    if (!nearExpiry) {
      problems.add(
          "no alarm on "
              + WORK_QUEUE
              + " ApproximateAgeOfOldestMessage at a fixed threshold of at most half its retention");
    }
    return problems;
  }

  private static boolean isQueueAlarm(Map<String, Object> alarm, String metric, String queue) {
    return metric.equals(alarm.get("MetricName"))
        && "AWS/SQS".equals(alarm.get("Namespace"))
        && "GreaterThanThreshold".equals(alarm.get("ComparisonOperator"))
        && list(alarm.get("Dimensions")).stream()
            .map(TemplateRules::map)
            .anyMatch(
                d ->
                    "QueueName".equals(d.get("Name"))
                        && getAtt(queue, "QueueName").equals(d.get("Value")));
  }

  /** A customer-managed key ARN, to evaluate the template with {@code KmsKeyArn} set. */
  static final String SOME_KEY =
      "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  /** The work queue and its dead-letter queue are FIFO and encrypted, and redrive to each other. */
  List<String> fifoQueues() {
    List<String> problems = new ArrayList<>();
    for (String queue : List.of(WORK_QUEUE, DEAD_LETTER_QUEUE)) {
      Map<String, Object> properties = properties(queue);
      if (!Boolean.TRUE.equals(properties.get("FifoQueue"))) {
        problems.add(
            queue + ": FifoQueue must be true, is " + describe(properties.get("FifoQueue")));
      }
      for (String key : List.of("", SOME_KEY)) {
        Map<String, Object> resolved = stack(Map.of("KmsKeyArn", key)).properties(queue);
        boolean encrypted =
            key.isEmpty()
                ? "true".equals(String.valueOf(resolved.get("SqsManagedSseEnabled")))
                : key.equals(resolved.get("KmsMasterKeyId"));
        if (!encrypted) {
          problems.add(
              queue
                  + ": with KmsKeyArn '"
                  + key
                  + "' needs server-side encryption ("
                  + (key.isEmpty() ? "SqsManagedSseEnabled" : "KmsMasterKeyId KmsKeyArn")
                  + ")");
        }
      }
    }
    Object target = map(properties(WORK_QUEUE).get("RedrivePolicy")).get("deadLetterTargetArn");
    if (!getAtt(DEAD_LETTER_QUEUE, "Arn").equals(target)) {
      problems.add(
          WORK_QUEUE
              + ": RedrivePolicy must target "
              + DEAD_LETTER_QUEUE
              + ", is "
              + describe(target));
    }
    return problems;
  }

  /**
   * The lease table keeps its items: no TTL (a deleted item restarts its fence counter), retained
   * with the stack, on-demand, with point-in-time recovery and encryption.
   */
  List<String> leaseTable() {
    List<String> problems = new ArrayList<>();
    Map<String, Object> properties = properties(LEASE_TABLE);
    Object ttl = properties.get("TimeToLiveSpecification");
    if (ttl != null && !Boolean.FALSE.equals(map(ttl).get("Enabled"))) {
      problems.add(LEASE_TABLE + ": must carry no TTL, has TimeToLiveSpecification " + ttl);
    }
    if (!resource(LEASE_TABLE).deletionPolicy().equals(Optional.of("Retain"))) {
      problems.add(LEASE_TABLE + ": DeletionPolicy must be Retain");
    }
    if (!"PAY_PER_REQUEST".equals(properties.get("BillingMode"))) {
      problems.add(LEASE_TABLE + ": BillingMode must be PAY_PER_REQUEST");
    }
    if (!Boolean.TRUE.equals(
        map(properties.get("PointInTimeRecoverySpecification"))
            .get("PointInTimeRecoveryEnabled"))) {
      problems.add(LEASE_TABLE + ": point-in-time recovery must be on");
    }
    if (!Boolean.TRUE.equals(map(properties.get("SSESpecification")).get("SSEEnabled"))) {
      problems.add(LEASE_TABLE + ": SSESpecification.SSEEnabled must be true");
    }
    return problems;
  }

  /**
   * With Lambda consumers the work queue's visibility timeout is at least 6x the consumer
   * function's timeout (AWS's rule for SQS event sources), for every consumer timeout the template
   * allows, not only the default.
   */
  List<String> lambdaVisibility() {
    List<String> problems = new ArrayList<>();
    for (String timeout : allowedValues("ConsumerTimeoutSeconds")) {
      Stack stack = stack(Map.of("ConsumerMode", "lambda", "ConsumerTimeoutSeconds", timeout));
      BigDecimal visibility = stack.number(WORK_QUEUE, "VisibilityTimeout");
      BigDecimal functionTimeout = stack.number(CONSUMER_FUNCTION, "Timeout");
      if (visibility.compareTo(functionTimeout.multiply(BigDecimal.valueOf(6))) < 0) {
        problems.add(
            "ConsumerTimeoutSeconds="
                + timeout
                + ": the work queue's VisibilityTimeout "
                + visibility
                + " is less than 6x the consumer's Timeout "
                + functionTimeout);
      }
    }
    return problems;
  }

  /**
   * Each ConsumerMode creates exactly its own consumer, and only the consumer function reads the
   * work queue through an event source: a Lambda and an ECS consumer never share the lanes.
   */
  List<String> oneConsumerPerMode() {
    List<String> problems = new ArrayList<>();
    for (String mode : allowedValues("ConsumerMode")) {
      Stack stack = stack(Map.of("ConsumerMode", mode));
      boolean lambda = stack.created(CONSUMER_FUNCTION);
      boolean ecs = stack.created(WORKER_SERVICE);
      if (lambda == ecs || lambda != mode.equals("lambda")) {
        problems.add(
            "ConsumerMode="
                + mode
                + ": creates "
                + (lambda ? CONSUMER_FUNCTION : "no consumer function")
                + " and "
                + (ecs ? WORKER_SERVICE : "no worker service"));
      }
    }
    sqsEvents()
        .forEach(
            (function, event) -> {
              if (!function.equals(CONSUMER_FUNCTION)) {
                problems.add(function + ": only " + CONSUMER_FUNCTION + " may consume the queue");
              }
            });
    return problems;
  }

  /**
   * The leader's token queue exists exactly when {@code LeaderElection} is {@code sqs-token}: an
   * unused token queue would cost nothing but confuse, and a missing one fails the leader.
   */
  List<String> leaderTokenQueueOnlyWhenChosen() {
    List<String> problems = new ArrayList<>();
    for (String election : allowedValues("LeaderElection")) {
      boolean created = stack(Map.of("LeaderElection", election)).created("LeaderTokenQueue");
      if (created != election.equals("sqs-token")) {
        problems.add(
            "LeaderElection="
                + election
                + ": "
                + (created ? "creates" : "does not create")
                + " LeaderTokenQueue");
      }
    }
    return problems;
  }

  /** Every SQS event source reports failures per message, so a failed lane returns only itself. */
  List<String> partialBatchResponses() {
    List<String> problems = new ArrayList<>();
    Map<String, Map<String, Object>> events = sqsEvents();
    if (events.isEmpty()) {
      problems.add("no function has an SQS event source");
    }
    events.forEach(
        (function, event) -> {
          Object types = event.get("FunctionResponseTypes");
          if (!(types instanceof List<?> list) || !list.contains("ReportBatchItemFailures")) {
            problems.add(
                function + ": its SQS event needs FunctionResponseTypes ReportBatchItemFailures");
          }
          if (!map(event.get("ScalingConfig")).containsKey("MaximumConcurrency")) {
            problems.add(function + ": its SQS event needs ScalingConfig.MaximumConcurrency");
          }
        });
    return problems;
  }

  /**
   * Every function names a handler class and method that exist in {@code functions}, runs on java21
   * with SnapStart on a published alias, and sets every variable its class lists in {@code
   * VARIABLES}.
   */
  List<String> functions(ClassLoader functions) {
    List<String> problems = new ArrayList<>();
    for (TemplateResource function : ofType("AWS::Serverless::Function")) {
      String id = function.logicalId();
      if (!"java21".equals(functionProperty(id, "Runtime"))) {
        problems.add(
            id + ": Runtime must be java21, is " + describe(functionProperty(id, "Runtime")));
      }
      Object snapStart = map(functionProperty(id, "SnapStart")).get("ApplyOn");
      if (!"PublishedVersions".equals(snapStart)
          || functionProperty(id, "AutoPublishAlias") == null) {
        problems.add(id + ": needs SnapStart ApplyOn PublishedVersions and an AutoPublishAlias");
      }
      String handler = String.valueOf(functionProperty(id, "Handler"));
      String[] parts = handler.split("::", -1);
      if (parts.length != 2) {
        problems.add(id + ": Handler '" + handler + "' is not class::method");
        continue;
      }
      Class<?> type;
      try {
        type = Class.forName(parts[0], false, functions);
      } catch (ClassNotFoundException e) {
        problems.add(id + ": Handler class " + parts[0] + " is not in the functions package");
        continue;
      }
      if (Arrays.stream(type.getMethods()).map(Method::getName).noneMatch(parts[1]::equals)) {
        problems.add(id + ": Handler class " + parts[0] + " has no public method " + parts[1]);
      }
      Set<String> missing = new TreeSet<>(variables(type, id, problems));
      missing.removeAll(environment(id));
      if (!missing.isEmpty()) {
        problems.add(id + ": does not set " + missing + " that " + type.getSimpleName() + " reads");
      }
    }
    return problems;
  }

  /**
   * The worker's task sets every variable the worker reads, and ECS waits as long for it to stop
   * (StopTimeout) as the worker gives itself (FENCEQ_SHUTDOWN_SECONDS).
   */
  List<String> workerEnvironment(Set<String> workerVariables) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> container =
        map(list(properties(WORKER_TASK_DEFINITION).get("ContainerDefinitions")).get(0));
    Map<String, Object> environment = new LinkedHashMap<>();
    for (Object entry : list(container.get("Environment"))) {
      environment.put(String.valueOf(map(entry).get("Name")), map(entry).get("Value"));
    }
    Set<String> missing = new TreeSet<>(workerVariables);
    missing.removeAll(environment.keySet());
    if (!missing.isEmpty()) {
      problems.add(WORKER_TASK_DEFINITION + ": does not set " + missing + " that the worker reads");
    }
    Object shutdown = environment.get("FENCEQ_SHUTDOWN_SECONDS");
    if (shutdown == null || !shutdown.equals(container.get("StopTimeout"))) {
      problems.add(
          WORKER_TASK_DEFINITION
              + ": StopTimeout "
              + describe(container.get("StopTimeout"))
              + " must be FENCEQ_SHUTDOWN_SECONDS "
              + describe(shutdown));
    }
    return problems;
  }

  /**
   * Every IAM statement grants named actions (no wildcards) on this stack's own resources only,
   * except {@link #RESOURCE_EXCEPTIONS}; roles attach no policies from outside the stack, and
   * functions use the template's roles rather than SAM's generated ones.
   */
  List<String> iamScopedToStack() {
    List<String> problems = new ArrayList<>();
    for (TemplateResource function : ofType("AWS::Serverless::Function")) {
      Object role = function.properties().get("Role");
      if (function.properties().containsKey("Policies") || !isStackReference(role)) {
        problems.add(function.logicalId() + ": must use a Role of this stack, not SAM policies");
      }
    }
    for (TemplateResource role : ofType("AWS::IAM::Role")) {
      for (Object arn : list(role.properties().get("ManagedPolicyArns"))) {
        if (!isStackReference(arn)) {
          problems.add(role.logicalId() + ": attaches a policy from outside the stack: " + arn);
        }
      }
    }
    statements()
        .forEach(
            (owner, statement) -> {
              if (statement.containsKey("NotAction") || statement.containsKey("NotResource")) {
                problems.add(owner + ": NotAction/NotResource grant more than they name");
              }
              Set<String> actions = new TreeSet<>(texts(statement.get("Action")));
              for (String action : actions) {
                if (action.contains("*")) {
                  problems.add(owner + ": wildcard action " + action);
                }
              }
              for (Object resource : elements(statement.get("Resource"))) {
                if (!isStackReference(resource)
                    && !resource.equals(RESOURCE_EXCEPTIONS.get(actions))) {
                  problems.add(
                      owner
                          + ": "
                          + actions
                          + " on "
                          + describe(resource)
                          + ", which is not one of this stack's resources");
                }
              }
            });
    return problems;
  }

  /**
   * What a role may do, by the logical id of the resource it may do it to (following its managed
   * policies); resources outside the stack appear under their literal value.
   */
  Map<String, Set<String>> grants(String roleId) {
    Map<String, Set<String>> grants = new LinkedHashMap<>();
    List<String> owners = new ArrayList<>(List.of(roleId));
    for (Object arn : list(properties(roleId).get("ManagedPolicyArns"))) {
      owners.add(String.valueOf(map(arn).get("Ref")));
    }
    statements()
        .forEach(
            (owner, statement) -> {
              if (owners.contains(owner.split(" ")[0])) {
                for (Object resource : elements(statement.get("Resource"))) {
                  grants
                      .computeIfAbsent(target(resource), k -> new TreeSet<>())
                      .addAll(texts(statement.get("Action")));
                }
              }
            });
    return grants;
  }

  /** The dead-letter queue alarms as soon as it holds a job; the work queue on its oldest job. */
  List<String> alarms() {
    List<String> problems = new ArrayList<>();
    if (!hasAlarm(
        "ApproximateNumberOfMessagesVisible", DEAD_LETTER_QUEUE, "GreaterThanThreshold", 0)) {
      problems.add("no alarm on " + DEAD_LETTER_QUEUE + " ApproximateNumberOfMessagesVisible > 0");
    }
    if (!hasAlarm("ApproximateAgeOfOldestMessage", WORK_QUEUE, "GreaterThanThreshold", null)) {
      problems.add("no alarm on " + WORK_QUEUE + " ApproximateAgeOfOldestMessage");
    }
    return problems;
  }

  private boolean hasAlarm(String metric, String queue, String comparison, Integer threshold) {
    return ofType("AWS::CloudWatch::Alarm").stream()
        .map(TemplateResource::properties)
        .anyMatch(
            alarm ->
                metric.equals(alarm.get("MetricName"))
                    && "AWS/SQS".equals(alarm.get("Namespace"))
                    && comparison.equals(alarm.get("ComparisonOperator"))
                    && (threshold == null || threshold.equals(alarm.get("Threshold")))
                    && list(alarm.get("Dimensions")).stream()
                        .map(TemplateRules::map)
                        .anyMatch(
                            d ->
                                "QueueName".equals(d.get("Name"))
                                    && getAtt(queue, "QueueName").equals(d.get("Value"))));
  }

  private Map<String, Map<String, Object>> sqsEvents() {
    Map<String, Map<String, Object>> events = new LinkedHashMap<>();
    for (TemplateResource function : ofType("AWS::Serverless::Function")) {
      map(function.properties().get("Events"))
          .values()
          .forEach(
              event -> {
                if ("SQS".equals(map(event).get("Type"))) {
                  events.put(function.logicalId(), map(map(event).get("Properties")));
                }
              });
    }
    return events;
  }

  /** Each policy statement of the stack, keyed by "owner policy#index". */
  private Map<String, Map<String, Object>> statements() {
    Map<String, Map<String, Object>> statements = new LinkedHashMap<>();
    for (TemplateResource resource : template.resources().values()) {
      List<Object> documents = new ArrayList<>();
      switch (resource.type()) {
        case "AWS::IAM::Role" -> {
          for (Object policy : list(resource.properties().get("Policies"))) {
            documents.add(map(policy).get("PolicyDocument"));
          }
        }
        case "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy" ->
            documents.add(resource.properties().get("PolicyDocument"));
        default -> {}
      }
      int index = 0;
      for (Object document : documents) {
        for (Object statement : elements(map(document).get("Statement"))) {
          String key = resource.logicalId() + " statement#" + index++;
          // A statement under a condition is checked as if the condition held.
          if (map(statement).get("Fn::If") instanceof List<?> branches && branches.size() == 3) {
            statements.put(key + " if " + branches.get(0), map(branches.get(1)));
          } else {
            statements.put(key, map(statement));
          }
        }
      }
    }
    return statements;
  }

  private Set<String> variables(Class<?> type, String id, List<String> problems) {
    try {
      Field field = type.getField("VARIABLES");
      if (!Modifier.isStatic(field.getModifiers()) || !(field.get(null) instanceof Set<?> set)) {
        problems.add(id + ": " + type.getName() + ".VARIABLES must be a static Set");
        return Set.of();
      }
      Set<String> names = new LinkedHashSet<>();
      set.forEach(name -> names.add(String.valueOf(name)));
      return names;
    } catch (NoSuchFieldException | IllegalAccessException e) {
      problems.add(id + ": " + type.getName() + " has no public static VARIABLES");
      return Set.of();
    }
  }

  /** The function's environment: SAM merges Globals.Function.Environment with its own. */
  Set<String> environment(String functionId) {
    Set<String> names = new TreeSet<>();
    Object global = map(template.globals().get("Function")).get("Environment");
    names.addAll(map(map(global).get("Variables")).keySet());
    Object own = properties(functionId).get("Environment");
    names.addAll(map(map(own).get("Variables")).keySet());
    return names;
  }

  /** A function property as deployed: its own value, else the one in Globals.Function. */
  private Object functionProperty(String functionId, String key) {
    Object own = properties(functionId).get(key);
    return own != null ? own : map(template.globals().get("Function")).get(key);
  }

  private boolean isStackReference(Object value) {
    Map<String, Object> node = map(value);
    if (node.get("Ref") instanceof String id) {
      return template.resources().containsKey(id);
    }
    if (node.get("Fn::GetAtt") instanceof List<?> args && !args.isEmpty()) {
      return template.resources().containsKey(String.valueOf(args.get(0)));
    }
    if (node.get("Fn::Sub") instanceof String text) {
      Matcher matcher = SUB_VARIABLE.matcher(text);
      boolean any = false;
      while (matcher.find()) {
        any |= template.resources().containsKey(matcher.group(1).split("\\.")[0]);
      }
      return any;
    }
    return false;
  }

  private String target(Object resource) {
    Map<String, Object> node = map(resource);
    if (node.get("Ref") instanceof String id) {
      return id;
    }
    if (node.get("Fn::GetAtt") instanceof List<?> args && !args.isEmpty()) {
      return String.valueOf(args.get(0));
    }
    // A bucket's objects: "${Bucket.Arn}/*".
    if (node.get("Fn::Sub") instanceof String text) {
      Matcher objects = Pattern.compile("\\$\\{(\\w+)\\.Arn}/\\*").matcher(text);
      if (objects.matches()) {
        return objects.group(1) + "/*";
      }
    }
    return String.valueOf(resource);
  }

  private List<String> allowedValues(String parameter) {
    TemplateParameter declared = template.parameters().get(parameter);
    if (declared == null || declared.allowedValues().isEmpty()) {
      throw new IllegalStateException(parameter + " must be a parameter with AllowedValues");
    }
    return declared.allowedValues();
  }

  private List<TemplateResource> ofType(String type) {
    return template.resources().values().stream().filter(r -> r.type().equals(type)).toList();
  }

  private TemplateResource resource(String logicalId) {
    TemplateResource resource = template.resources().get(logicalId);
    if (resource == null) {
      throw new IllegalStateException("the template has no resource " + logicalId);
    }
    return resource;
  }

  private Map<String, Object> properties(String logicalId) {
    return resource(logicalId).properties();
  }

  private static Map<String, Object> getAtt(String logicalId, String attribute) {
    return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
  }

  private static Map<String, Object> map(Object node) {
    return Trees.asMap(node).orElse(Map.of());
  }

  private static List<?> list(Object node) {
    return node instanceof List<?> list ? list : List.of();
  }

  /** A policy element that may be one value or a list of them. */
  private static Collection<?> elements(Object node) {
    return node == null ? List.of() : node instanceof List<?> list ? list : List.of(node);
  }

  private static List<String> texts(Object node) {
    return elements(node).stream().map(String::valueOf).toList();
  }

  private static String describe(Object value) {
    return value instanceof Map<?, ?> || value instanceof List<?>
        ? value.toString()
        : Trees.describe(value);
  }

  /**
   * The resource's properties with every intrinsic function resolved for these parameter values
   * (the others at their defaults); a resource's {@code Ref} and attributes resolve to its logical
   * id.
   */
  Map<String, Object> resolvedProperties(String logicalId, Map<String, String> parameters) {
    return stack(parameters).properties(logicalId);
  }

  private Stack stack(Map<String, String> parameters) {
    return new Stack(parameters);
  }

  /** The template evaluated for one set of parameter values, without creating anything. */
  private final class Stack {
    private final IntrinsicResolver resolver;

    Stack(Map<String, String> parameters) {
      this.resolver =
          new IntrinsicResolver(
              template,
              new PseudoParameters("fenceq-check", "us-east-1", "123456789012"),
              template.parameterValues(parameters),
              (logicalId, from) ->
                  new ResourceValues(
                      logicalId,
                      resource(logicalId).type(),
                      logicalId,
                      Map.of(
                          "Arn", "arn:" + logicalId, "QueueName", logicalId, "Name", logicalId)));
    }

    /** The resource's properties with every intrinsic function resolved. */
    Map<String, Object> properties(String logicalId) {
      return map(resolver.resolve(resource(logicalId).properties(), Site.resource(logicalId)));
    }

    boolean created(String logicalId) {
      Optional<String> condition = resource(logicalId).condition();
      return condition.isEmpty() || resolver.condition(condition.get(), Site.resource(logicalId));
    }

    BigDecimal number(String logicalId, String property) {
      Object value =
          resource(logicalId).type().equals("AWS::Serverless::Function")
              ? functionProperty(logicalId, property)
              : properties(logicalId).get(property);
      return new BigDecimal(
          resolver.resolveText(value, new Site("resource " + logicalId, property)));
    }
  }
}
