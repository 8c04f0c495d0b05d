package io.fenceq.local;

import io.fenceq.aws.AwsClients;
import io.fenceq.local.internal.EmbeddedDynamoDb;
import io.fenceq.local.internal.EmbeddedS3;
import io.fenceq.local.internal.EmbeddedSqs;
import io.fenceq.local.internal.EmulatorLogging;
import io.fenceq.local.internal.HealthChecks;
import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.ProvisionedStack;
import io.fenceq.local.template.TemplateProvisioner;
import io.fenceq.local.template.internal.AccountIds;
import io.fenceq.local.template.internal.BucketProvisioner;
import io.fenceq.local.template.internal.StackNames;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SQS and DynamoDB in this JVM, provisioned from {@code template.yaml}: fenceq's default way to run
 * without an AWS account or Docker.
 *
 * <p>{@link Builder#start()} starts ElasticMQ (SQS) on 127.0.0.1 and DynamoDB Local in memory,
 * checks that both answer, and creates the queues and tables the template declares, with the same
 * names, FIFO settings, redrive policy and key schema as a deployed stack. Everything speaks the
 * real AWS wire protocols, so code under test uses the ordinary SDK clients; other processes reach
 * the services through {@link #environment()}.
 *
 * <p>A template with an {@code AWS::S3::Bucket} (the large-payload bucket) also gets an embedded S3
 * ({@link EmbeddedS3}, a few milliseconds to start) and its buckets; a template without one starts
 * no S3 at all.
 *
 * <p>DynamoDB Local binds all network interfaces; it has no option to bind one. ElasticMQ binds
 * 127.0.0.1 only.
 *
 * <p>{@link #close()} stops both, but DynamoDB Local leaves non-daemon threads running: a
 * command-line {@code main} that used a {@code LocalAws} must end with {@code System.exit}.
 *
 * <pre>{@code
 * try (LocalAws aws = LocalAws.builder().start()) {
 *   String queueUrl = aws.stack().queueUrl("WorkQueue");
 *   aws.sqsClient().sendMessage(...);
 * }
 * }</pre>
 */
public final class LocalAws implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalAws.class);

  /** The stack name unless {@link Builder#stackName(String)} says otherwise. */
  public static final String DEFAULT_STACK_NAME = "fenceq-local";

  /** The region unless {@link Builder#region(String)} says otherwise. */
  public static final String DEFAULT_REGION = "us-east-1";

  /** The account in queue URLs and ARNs unless {@link Builder#accountId(String)} says otherwise. */
  public static final String DEFAULT_ACCOUNT_ID = "000000000000";

  /**
   * The name prefix of the embedded SQS emulator's threads, for tools that attribute CPU time by
   * thread: ElasticMQ runs on an actor system of its own named this plus a number, and the actor
   * system's threads carry its name.
   */
  public static final String SQS_THREAD_PREFIX = "fenceq-sqs-";

  /**
   * Template parameters a local run sets unless told otherwise: locally the consumers are workers
   * in processes ({@code fenceq local --workers}, {@code fenceq worker}), which is the template's
   * ECS mode, so the work queue takes {@code VisibilityTimeoutSeconds} rather than the Lambda
   * consumer's derived visibility.
   */
  public static final Map<String, String> LOCAL_PARAMETERS = Map.of("ConsumerMode", "ecs");

  /**
   * Environment variables filled from the template's outputs, and the output each comes from. The
   * template's output descriptions name the variable, e.g. "URL of the FIFO work queue
   * (FENCEQ_QUEUE_URL)".
   */
  private static final Map<String, String> OUTPUT_VARIABLES = outputVariables();

  /** The template parameter naming the handlers' class, {@code FENCEQ_HANDLER}. */
  private static final String HANDLER_PARAMETER = "HandlerFactory";

  private static final AwsCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  private final Region region;
  private final EmbeddedSqs sqsServer;
  private final EmbeddedDynamoDb dynamoDbServer;
  private final EmbeddedS3 s3Server;
  private final SqsClient sqsClient;
  private final DynamoDbClient dynamoDbClient;
  private final Object s3ClientLock = new Object();
  // Guarded by s3ClientLock; made at first use: a cold S3 client costs seconds, and a run without
  // large payloads never needs one.
  private S3Client s3Client;
  private final ProvisionedStack stack;
  private final AtomicBoolean closed = new AtomicBoolean();

  private LocalAws(
      Region region,
      EmbeddedSqs sqsServer,
      EmbeddedDynamoDb dynamoDbServer,
      EmbeddedS3 s3Server,
      SqsClient sqsClient,
      DynamoDbClient dynamoDbClient,
      ProvisionedStack stack) {
    this.region = region;
    this.sqsServer = sqsServer;
    this.dynamoDbServer = dynamoDbServer;
    this.s3Server = s3Server;
    this.sqsClient = sqsClient;
    this.dynamoDbClient = dynamoDbClient;
    this.stack = stack;
  }

  private static Map<String, String> outputVariables() {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("FENCEQ_QUEUE_URL", "WorkQueueUrl");
    variables.put("FENCEQ_DLQ_URL", "DeadLetterQueueUrl");
    variables.put("FENCEQ_LEASE_TABLE", "LeaseTableName");
    variables.put("FENCEQ_LANES", "LaneCount");
    variables.put("FENCEQ_INVENTORY_TABLE", "InventoryTableName");
    return Collections.unmodifiableMap(variables);
  }

  /** Set from the template's output of this name when it has one (a stack with the bucket). */
  private static final String PAYLOAD_BUCKET_OUTPUT = "PayloadBucketName";

  /** Settings for a {@code LocalAws}, all optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** The SQS endpoint, {@code http://127.0.0.1:<port>}. */
  public URI sqsEndpoint() {
    return loopback(sqsServer.port());
  }

  /** The DynamoDB endpoint, {@code http://127.0.0.1:<port>}. */
  public URI dynamoDbEndpoint() {
    return loopback(dynamoDbServer.port());
  }

  /** The S3 endpoint, {@code http://127.0.0.1:<port>}, if the template has a bucket. */
  public Optional<URI> s3Endpoint() {
    return Optional.ofNullable(s3Server).map(server -> loopback(server.port()));
  }

  /**
   * An S3 client for {@link #s3Endpoint()}, path-style; made at the first call, shared, closed by
   * {@link #close()}.
   *
   * @throws IllegalStateException after {@link #close()}, or if the template has no bucket
   */
  public S3Client s3Client() {
    checkOpen();
    if (s3Server == null) {
      throw new IllegalStateException(
          "stack " + stack.stackName() + " has no AWS::S3::Bucket, so no S3 was started");
    }
    synchronized (s3ClientLock) {
      if (s3Client == null) {
        s3Client = s3Client(loopback(s3Server.port()), region);
      }
      return s3Client;
    }
  }

  /** The region clients must be configured with (it appears in queue ARNs). */
  public Region region() {
    return region;
  }

  /** Fixed dummy credentials; the emulators accept any. */
  public AwsCredentialsProvider credentialsProvider() {
    return CREDENTIALS;
  }

  /**
   * An SQS client for {@link #sqsEndpoint()}; shared, closed by {@link #close()}.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public SqsClient sqsClient() {
    checkOpen();
    return sqsClient;
  }

  /**
   * A DynamoDB client for {@link #dynamoDbEndpoint()}; shared, closed by {@link #close()}.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public DynamoDbClient dynamoDbClient() {
    checkOpen();
    return dynamoDbClient;
  }

  /** The queues, tables and outputs the template created. */
  public ProvisionedStack stack() {
    return stack;
  }

  /**
   * What another process needs to use these services, in a stable order: the SDK's {@code
   * AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_REGION}, {@code
   * AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, then fenceq's {@code FENCEQ_QUEUE_URL},
   * {@code FENCEQ_DLQ_URL}, {@code FENCEQ_LEASE_TABLE}, {@code FENCEQ_LANES} and the example
   * handler's {@code FENCEQ_INVENTORY_TABLE} taken from the template's outputs, and {@code
   * FENCEQ_HANDLER} from its {@code HandlerFactory} parameter, so they follow the template.
   *
   * @throws IllegalStateException naming the variable and the output or parameter if the template
   *     lacks it
   */
  public Map<String, String> environment() {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("AWS_ENDPOINT_URL_SQS", sqsEndpoint().toString());
    environment.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint().toString());
    s3Endpoint().ifPresent(endpoint -> environment.put("AWS_ENDPOINT_URL_S3", endpoint.toString()));
    environment.put("AWS_REGION", region.id());
    environment.put("AWS_ACCESS_KEY_ID", CREDENTIALS.resolveCredentials().accessKeyId());
    environment.put("AWS_SECRET_ACCESS_KEY", CREDENTIALS.resolveCredentials().secretAccessKey());
    OUTPUT_VARIABLES.forEach(
        (variable, output) -> {
          String value = stack.outputs().get(output);
          if (value == null) {
            throw new IllegalStateException(
                variable
                    + " comes from the template output "
                    + output
                    + ", which stack "
                    + stack.stackName()
                    + " does not have; its outputs: "
                    + stack.outputs().keySet());
          }
          environment.put(variable, value);
        });
    // The template's functions and worker task get the handlers it names; so does what runs here.
    String handler = stack.parameters().get(HANDLER_PARAMETER);
    if (handler == null || handler.isBlank()) {
      throw new IllegalStateException(
          "FENCEQ_HANDLER comes from the template parameter "
              + HANDLER_PARAMETER
              + ", which stack "
              + stack.stackName()
              + " does not have; its parameters: "
              + stack.parameters().keySet());
    }
    environment.put("FENCEQ_HANDLER", handler);
    String bucket = stack.outputs().get(PAYLOAD_BUCKET_OUTPUT);
    if (bucket != null && s3Server != null) {
      environment.put("FENCEQ_PAYLOAD_BUCKET", bucket);
    }
    return Collections.unmodifiableMap(environment);
  }

  /**
   * Closes the clients and stops both emulators; the in-memory data is gone. Idempotent.
   *
   * @throws LocalAwsException if an emulator did not stop (the others are still stopped)
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long started = System.nanoTime();
    List<AutoCloseable> all = new ArrayList<>(List.of(sqsClient, dynamoDbClient));
    synchronized (s3ClientLock) {
      if (s3Client != null) {
        all.add(s3Client);
      }
    }
    if (s3Server != null) {
      all.add(s3Server);
    }
    all.add(sqsServer);
    all.add(dynamoDbServer);
    RuntimeException failure = closeAll(all, null);
    log.info(
        "local aws stopped stack={} sqsPort={} dynamoDbPort={} tookMs={}",
        stack.stackName(),
        sqsServer.port(),
        dynamoDbServer.port(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "LocalAws[sqs="
        + sqsEndpoint()
        + ", dynamoDb="
        + dynamoDbEndpoint()
        + ", stack="
        + stack.stackName()
        + (closed.get() ? ", closed" : "")
        + "]";
  }

  /** ElasticMQ listens on 127.0.0.1 only; DynamoDB Local listens there too, among others. */
  private static URI loopback(int port) {
    return URI.create("http://" + EmbeddedSqs.INTERFACE + ":" + port);
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("LocalAws for stack " + stack.stackName() + " is closed");
    }
  }

  /** Closes each, in order, even if some fail; the first failure carries the others. */
  private static RuntimeException closeAll(
      Iterable<? extends AutoCloseable> resources, Throwable into) {
    RuntimeException first = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        if (into != null) {
          into.addSuppressed(e);
        } else if (first == null) {
          first =
              e instanceof RuntimeException runtime
                  ? runtime
                  : new LocalAwsException("closing " + resource + " failed: " + e, e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    return first;
  }

  /**
   * {@code given}, plus each of {@link #LOCAL_PARAMETERS} that {@code template} declares and {@code
   * given} does not set: the parameters to provision a template with for a local run.
   */
  public static Map<String, String> localParameters(
      CloudFormationTemplate template, Map<String, String> given) {
    Map<String, String> parameters = new LinkedHashMap<>();
    LOCAL_PARAMETERS.forEach(
        (name, value) -> {
          if (template.parameters().containsKey(name)) {
            parameters.put(name, value);
          }
        });
    parameters.putAll(given);
    return parameters;
  }

  private static LocalAws start(Builder settings) {
    long started = System.nanoTime();
    CloudFormationTemplate template =
        settings.template != null
            ? settings.template
            : settings.templateFile != null
                ? CloudFormationTemplate.load(settings.templateFile)
                : CloudFormationTemplate.fromClasspath();
    Map<String, String> parameters = localParameters(template, settings.parameters);
    template.parameterValues(parameters);
    EmulatorLogging.quiet();
    Region region = Region.of(settings.region);
    Deque<AutoCloseable> running = new ArrayDeque<>();
    try {
      EmbeddedSqs sqsServer =
          EmbeddedSqs.start(settings.sqsPort, settings.region, settings.accountId);
      running.push(sqsServer);
      EmbeddedDynamoDb dynamoDbServer = EmbeddedDynamoDb.start(settings.dynamoDbPort);
      running.push(dynamoDbServer);
      URI sqsEndpoint = loopback(sqsServer.port());
      URI dynamoDbEndpoint = loopback(dynamoDbServer.port());
      SqsClient sqs = sqsClient(sqsEndpoint, region);
      running.push(sqs);
      DynamoDbClient dynamoDb = dynamoDbClient(dynamoDbEndpoint, region);
      running.push(dynamoDb);
      HealthChecks.sqsAnswers(sqs, sqsEndpoint);
      HealthChecks.dynamoDbAnswers(dynamoDb, dynamoDbEndpoint);
      TemplateProvisioner.Builder provisioner =
          TemplateProvisioner.builder()
              .sqsClient(sqs)
              .dynamoDbClient(dynamoDb)
              .region(settings.region)
              .accountId(settings.accountId);
      EmbeddedS3 s3Server = null;
      // Only a template with a bucket gets an S3: nothing else needs one. Its buckets are made
      // in-process, so no S3 client is built unless something uses one.
      if (hasBucket(template)) {
        s3Server = EmbeddedS3.start(settings.s3Port);
        running.push(s3Server);
        provisioner.bucketCreator(s3Server::createBucket);
      }
      ProvisionedStack stack =
          provisioner.build().provision(template, settings.stackName, parameters);
      LocalAws aws =
          new LocalAws(region, sqsServer, dynamoDbServer, s3Server, sqs, dynamoDb, stack);
      log.info(
          "local aws started stack={} sqsEndpoint={} dynamoDbEndpoint={} template={} tookMs={}",
          settings.stackName,
          sqsEndpoint,
          dynamoDbEndpoint,
          template.source(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return aws;
    } catch (RuntimeException | Error e) {
      closeAll(running, e); // most recently started first
      throw e;
    }
  }

  private static boolean hasBucket(CloudFormationTemplate template) {
    return template.resources().values().stream()
        .anyMatch(r -> r.type().equals(BucketProvisioner.TYPE));
  }

  private static S3Client s3Client(URI endpoint, Region region) {
    return AwsClients.s3(new AwsClients.Target(null, null, region, CREDENTIALS, endpoint));
  }

  private static SqsClient sqsClient(URI endpoint, Region region) {
    return AwsClients.sqs(new AwsClients.Target(endpoint, null, region, CREDENTIALS));
  }

  private static DynamoDbClient dynamoDbClient(URI endpoint, Region region) {
    return AwsClients.dynamoDb(new AwsClients.Target(null, endpoint, region, CREDENTIALS));
  }

  /**
   * Settings of a {@link LocalAws}. Each setter checks its value and names it when it is wrong. The
   * template defaults to the copy of {@code template.yaml} in the fenceq-local jar.
   */
  public static final class Builder {
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private int sqsPort;
    private int dynamoDbPort;
    private int s3Port;
    private String stackName = DEFAULT_STACK_NAME;
    private Map<String, String> parameters = Map.of();
    private CloudFormationTemplate template;
    private Path templateFile;
    private String region = DEFAULT_REGION;
    private String accountId = DEFAULT_ACCOUNT_ID;

    private Builder() {}

    /** The SQS port on 127.0.0.1; 0 (the default) for any free port. */
    public Builder sqsPort(int port) {
      this.sqsPort = checkPort("sqsPort", port);
      return this;
    }

    /**
     * The DynamoDB port (on all interfaces, see {@link LocalAws}); 0 (the default) for any free
     * port.
     */
    public Builder dynamoDbPort(int port) {
      this.dynamoDbPort = checkPort("dynamoDbPort", port);
      return this;
    }

    /** The S3 port on 127.0.0.1 (if the template has a bucket); 0 (the default) for any free. */
    public Builder s3Port(int port) {
      this.s3Port = checkPort("s3Port", port);
      return this;
    }

    /** {@code AWS::StackName}, which prefixes queue and table names; default fenceq-local. */
    public Builder stackName(String stackName) {
      try {
        this.stackName = StackNames.check(stackName);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("stackName: " + e.getMessage(), e);
      }
      return this;
    }

    /**
     * Template parameter values; parameters not given take their {@code Default}. Checked against
     * the template's constraints when starting, before any emulator starts.
     */
    public Builder parameters(Map<String, String> parameters) {
      Objects.requireNonNull(parameters, "parameters");
      parameters.forEach(
          (name, value) -> {
            if (name == null || value == null) {
              throw new IllegalArgumentException("parameters: null name or value in " + parameters);
            }
          });
      this.parameters = Map.copyOf(parameters);
      return this;
    }

    /** Provision this template instead of the bundled {@code template.yaml}. */
    public Builder template(CloudFormationTemplate template) {
      this.template = Objects.requireNonNull(template, "template");
      this.templateFile = null;
      return this;
    }

    /** Provision the template in this file (read when starting) instead of the bundled one. */
    public Builder templateFile(Path file) {
      this.templateFile = Objects.requireNonNull(file, "templateFile");
      this.template = null;
      return this;
    }

    /** {@code AWS::Region}, which appears in ARNs; default {@code us-east-1}. */
    public Builder region(String region) {
      if (region == null || !REGION.matcher(region).matches()) {
        throw new IllegalArgumentException("region must look like us-east-1, was '" + region + "'");
      }
      this.region = region;
      return this;
    }

    /** {@code AWS::AccountId}, which appears in queue URLs and ARNs; default 000000000000. */
    public Builder accountId(String accountId) {
      this.accountId = AccountIds.check(accountId);
      return this;
    }

    /**
     * Starts both emulators and provisions the template. If any step fails, whatever was started is
     * stopped again.
     *
     * @throws LocalAwsException naming the emulator and port that could not start
     * @throws io.fenceq.local.template.TemplateException naming the template, parameter, resource
     *     or property that could not be read or provisioned
     */
    public LocalAws start() {
      return LocalAws.start(this);
    }

    private static int checkPort(String setting, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            setting + " must be 0 (any free port) or 1-65535, was " + port);
      }
      return port;
    }
  }
}
