package io.fenceq.spring.autoconfigure;

import io.fenceq.consumer.ConsumerConfig;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * fenceq's settings in a Spring Boot application, under {@code fenceq.*}: the queue and lease
 * table, where the AWS clients connect, the worker and the health check. They mirror the worker's
 * {@code FENCEQ_*} variables ({@link ConsumerConfig}) with the same limits and defaults, except
 * {@link Worker#getShutdownTimeout()}, which defaults below Spring's own shutdown phase timeout.
 *
 * <p>Validated when bound, before any bean is made: a refused value fails start-up with one line
 * naming the property and the value, such as {@code fenceq.worker.concurrency must be a whole
 * number from 1 to 64, got 0}.
 *
 * <pre>
 * fenceq.queue-url=https://sqs.eu-west-1.amazonaws.com/123456789012/work.fifo
 * fenceq.lease-table=fenceq-leases
 * fenceq.ring-epochs=true          # follow live reshards (docs/resharding.md)
 * fenceq.worker.concurrency=4
 * fenceq.aws.endpoint=http://127.0.0.1:4566   # LocalStack; unset for AWS
 * </pre>
 */
@ConfigurationProperties(prefix = FenceqProperties.PREFIX)
public class FenceqProperties implements Validator {
  /** The prefix of every property here. */
  public static final String PREFIX = "fenceq";

  /** The worker's default shutdown timeout: below Spring's default 30 s per shutdown phase. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(25);

  /** Whether fenceq configures anything at all. */
  private boolean enabled = true;

  /** The FIFO work queue's URL; required. */
  private String queueUrl;

  /**
   * The FIFO dead-letter queue's URL; permanent errors go there at once. Unset: they reach it by
   * the work queue's redrive policy.
   */
  private String deadLetterQueueUrl;

  /** The lease table; required when the worker is enabled or fenceq.ring-epochs is true. */
  private String leaseTable;

  /**
   * Whether the Enqueuer bean and the worker follow the ring's epoch in the lease table (its
   * ring#config item), so that the lane count can be changed live with fenceq reshard; every
   * producer and consumer of the queue must then follow it (FENCEQ_RING_EPOCHS).
   */
  private boolean ringEpochs;

  /** Lanes on the ring; producers and consumers of one queue must agree on it. */
  private int lanes = ConsumerConfig.DEFAULT_LANES;

  @NestedConfigurationProperty private final Worker worker = new Worker();

  @NestedConfigurationProperty private final Aws aws = new Aws();

  @NestedConfigurationProperty private final Health health = new Health();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getQueueUrl() {
    return queueUrl;
  }

  public void setQueueUrl(String queueUrl) {
    this.queueUrl = queueUrl;
  }

  public String getDeadLetterQueueUrl() {
    return deadLetterQueueUrl;
  }

  public void setDeadLetterQueueUrl(String deadLetterQueueUrl) {
    this.deadLetterQueueUrl = deadLetterQueueUrl;
  }

  public String getLeaseTable() {
    return leaseTable;
  }

  public void setLeaseTable(String leaseTable) {
    this.leaseTable = leaseTable;
  }

  public boolean isRingEpochs() {
    return ringEpochs;
  }

  public void setRingEpochs(boolean ringEpochs) {
    this.ringEpochs = ringEpochs;
  }

  public int getLanes() {
    return lanes;
  }

  public void setLanes(int lanes) {
    this.lanes = lanes;
  }

  public Worker getWorker() {
    return worker;
  }

  public Aws getAws() {
    return aws;
  }

  public Health getHealth() {
    return health;
  }

  @Override
  public boolean supports(Class<?> type) {
    return FenceqProperties.class.isAssignableFrom(type);
  }

  @Override
  public void validate(Object target, Errors errors) {
    new FenceqPropertiesCheck((FenceqProperties) target, errors).run();
  }

  /**
   * The consumer's configuration these properties describe.
   *
   * @throws io.fenceq.consumer.ConsumerConfigException if they were not validated first
   */
  public ConsumerConfig toConsumerConfig() {
    return ConsumerConfig.builder()
        .queueUrl(queueUrl)
        .deadLetterQueueUrl(deadLetterQueueUrl)
        .leaseTable(leaseTable)
        .lanes(lanes)
        .ringEpochs(ringEpochs)
        .concurrency(worker.concurrency)
        .maxLanesInFlight(worker.maxLanesInFlight)
        .maxAttempts(worker.maxAttempts)
        .leaseDuration(worker.leaseDuration)
        .jobTimeLimit(worker.jobTimeLimit)
        .shutdownTimeout(worker.shutdownTimeout)
        .receiveWait(worker.receiveWait)
        .unhealthyWrittenOffThreads(worker.unhealthyWrittenOffThreads)
        .workerId(worker.id)
        .build();
  }

  /** The worker: receive loops, lanes in flight, leases, time limits and shutdown. */
  public static class Worker {
    /**
     * Whether the application consumes the queue. Off for an application that only enqueues: then
     * neither the lease table nor a handler is needed.
     */
    private boolean enabled = true;

    /** Whether the worker starts with the context; off: start it with the lifecycle bean. */
    private boolean autoStartup = true;

    /**
     * The owner id in lane leases; unset: the host name and a random suffix, new for every start.
     * Must never be reused by another process or a restart.
     */
    private String id;

    /** Receive loops, each a long poll at a time. */
    private int concurrency = ConsumerConfig.DEFAULT_CONCURRENCY;

    /** Lanes processed at once. */
    private int maxLanesInFlight = ConsumerConfig.DEFAULT_MAX_LANES_IN_FLIGHT;

    /** Failures of a job's handler before it goes to the dead-letter queue. */
    private int maxAttempts = ConsumerConfig.DEFAULT_MAX_ATTEMPTS;

    /** The lane lease's duration, whole seconds; a lost consumer's lanes resume after it. */
    private Duration leaseDuration = Duration.ofSeconds(ConsumerConfig.DEFAULT_LEASE_SECONDS);

    /** How long one job's handler may run before it is interrupted and the job failed. */
    private Duration jobTimeLimit = Duration.ofSeconds(ConsumerConfig.DEFAULT_JOB_TIMEOUT_SECONDS);

    /**
     * How long stopping the context lets running jobs finish, whole seconds; keep it below
     * spring.lifecycle.timeout-per-shutdown-phase, 30 s unless set, less 5 s to settle.
     */
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

    /** Long-poll wait of each receive, whole seconds from 0 to 20. */
    private Duration receiveWait = Duration.ofSeconds(ConsumerConfig.DEFAULT_RECEIVE_WAIT_SECONDS);

    /** Handler threads written off (they ignored their time limit) before health is DOWN. */
    private int unhealthyWrittenOffThreads = ConsumerConfig.DEFAULT_UNHEALTHY_WRITTEN_OFF_THREADS;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public boolean isAutoStartup() {
      return autoStartup;
    }

    public void setAutoStartup(boolean autoStartup) {
      this.autoStartup = autoStartup;
    }

    public String getId() {
      return id;
    }

    public void setId(String id) {
      this.id = id;
    }

    public int getConcurrency() {
      return concurrency;
    }

    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    public int getMaxLanesInFlight() {
      return maxLanesInFlight;
    }

    public void setMaxLanesInFlight(int maxLanesInFlight) {
      this.maxLanesInFlight = maxLanesInFlight;
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getLeaseDuration() {
      return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
    }

    public Duration getJobTimeLimit() {
      return jobTimeLimit;
    }

    public void setJobTimeLimit(Duration jobTimeLimit) {
      this.jobTimeLimit = jobTimeLimit;
    }

    public Duration getShutdownTimeout() {
      return shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
    }

    public Duration getReceiveWait() {
      return receiveWait;
    }

    public void setReceiveWait(Duration receiveWait) {
      this.receiveWait = receiveWait;
    }

    public int getUnhealthyWrittenOffThreads() {
      return unhealthyWrittenOffThreads;
    }

    public void setUnhealthyWrittenOffThreads(int unhealthyWrittenOffThreads) {
      this.unhealthyWrittenOffThreads = unhealthyWrittenOffThreads;
    }
  }

  /**
   * Where the SQS and DynamoDB clients connect, when the application does not define its own {@code
   * SqsClient} or {@code DynamoDbClient} bean. Unset settings fall back to the AWS SDK's
   * conventions: {@code AWS_ENDPOINT_URL}, {@code AWS_REGION}, the default credentials chain.
   */
  public static class Aws {
    /** The region, such as eu-west-1; unset: the SDK's region chain. */
    private String region;

    /** One endpoint for both services (LocalStack, fenceq local); unset: AWS. */
    private URI endpoint;

    /** The SQS endpoint, over fenceq.aws.endpoint. */
    private URI sqsEndpoint;

    /** The DynamoDB endpoint, over fenceq.aws.endpoint. */
    private URI dynamodbEndpoint;

    /**
     * A static access key id, for emulators; set with the secret key, or neither to use the SDK's
     * default credentials chain (the right choice on AWS).
     */
    private String accessKeyId;

    /** The static secret access key that goes with fenceq.aws.access-key-id. */
    private String secretAccessKey;

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public URI getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(URI endpoint) {
      this.endpoint = endpoint;
    }

    public URI getSqsEndpoint() {
      return sqsEndpoint;
    }

    public void setSqsEndpoint(URI sqsEndpoint) {
      this.sqsEndpoint = sqsEndpoint;
    }

    public URI getDynamodbEndpoint() {
      return dynamodbEndpoint;
    }

    public void setDynamodbEndpoint(URI dynamodbEndpoint) {
      this.dynamodbEndpoint = dynamodbEndpoint;
    }

    public String getAccessKeyId() {
      return accessKeyId;
    }

    public void setAccessKeyId(String accessKeyId) {
      this.accessKeyId = accessKeyId;
    }

    public String getSecretAccessKey() {
      return secretAccessKey;
    }

    public void setSecretAccessKey(String secretAccessKey) {
      this.secretAccessKey = secretAccessKey;
    }
  }

  /** The Actuator health check ({@code fenceq} component). */
  public static class Health {
    /** Limit of each reachability check (the queue, the lease table). */
    private Duration timeout = Duration.ofSeconds(2);

    /** How far back lost lanes are counted. */
    private Duration laneLossWindow = Duration.ofMinutes(5);

    /**
     * Lanes lost within the window at which health turns DOWN; unset: lost lanes are reported,
     * never DOWN (a lost lane resumes elsewhere by design).
     */
    private Integer maxLanesLost;

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }

    public Duration getLaneLossWindow() {
      return laneLossWindow;
    }

    public void setLaneLossWindow(Duration laneLossWindow) {
      this.laneLossWindow = laneLossWindow;
    }

    public Integer getMaxLanesLost() {
      return maxLanesLost;
    }

    public void setMaxLanesLost(Integer maxLanesLost) {
      this.maxLanesLost = maxLanesLost;
    }
  }
}
