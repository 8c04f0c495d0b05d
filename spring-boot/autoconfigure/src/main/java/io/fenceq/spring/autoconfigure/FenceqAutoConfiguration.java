package io.fenceq.spring.autoconfigure;

import io.fenceq.aws.AwsClients;
import io.fenceq.engine.JobHandlers;
import io.fenceq.metrics.Metrics;
import io.fenceq.micrometer.MicrometerMetrics;
import io.fenceq.queue.Enqueuer;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.ring.HashRing;
import io.fenceq.spring.autoconfigure.internal.HandlerDiscovery;
import io.fenceq.spring.autoconfigure.internal.LaneLosses;
import io.fenceq.time.Ticker;
import io.fenceq.trace.FenceqTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * fenceq in a Spring Boot application ({@code fenceq.*}, {@link FenceqProperties}):
 *
 * <ul>
 *   <li>an {@link SqsClient} and a {@link DynamoDbClient} built as {@link AwsClients} builds them,
 *       against {@code fenceq.aws.*} or else the SDK's conventions, unless the application defines
 *       its own;
 *   <li>an {@link Enqueuer} on the work queue and the ring of {@code fenceq.lanes}, or with {@code
 *       fenceq.ring-epochs=true} the ring of the current epoch in the lease table, whose epoch it
 *       stamps on each job (see docs/resharding.md);
 *   <li>with the worker enabled ({@code fenceq.worker.enabled}, the default): the handlers, found
 *       by {@link io.fenceq.spring.FenceqHandler} (or the application's own {@link JobHandlers}
 *       bean), and the worker in the context's lifecycle ({@link FenceqWorkerLifecycle});
 *   <li>with Micrometer and a {@link MeterRegistry}: fenceq's metrics on it ({@link
 *       MicrometerMetrics}), unless the application defines its own {@link Metrics}.
 * </ul>
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"
    })
@ConditionalOnProperty(prefix = FenceqProperties.PREFIX, name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(FenceqProperties.class)
public class FenceqAutoConfiguration {
  /** Spring's own default of {@code spring.lifecycle.timeout-per-shutdown-phase}. */
  static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

  @Bean
  @ConditionalOnMissingBean
  public SqsClient fenceqSqsClient(FenceqProperties properties) {
    return AwsClients.sqs(target(properties.getAws()));
  }

  /** The lease table's client: for the worker, and for the enqueuer when it follows epochs. */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(UsesLeaseTable.class)
  public DynamoDbClient fenceqDynamoDbClient(FenceqProperties properties) {
    return AwsClients.dynamoDb(target(properties.getAws()));
  }

  @Bean
  @ConditionalOnMissingBean
  public Enqueuer fenceqEnqueuer(
      SqsClient sqs, FenceqProperties properties, ObjectProvider<DynamoDbClient> dynamoDb) {
    Enqueuer.Builder b =
        Enqueuer.builder()
            .sqs(sqs)
            .queueUrl(properties.getQueueUrl())
            .ring(HashRing.of(properties.getLanes()));
    if (properties.isRingEpochs()) {
      // Read at the first job and once per refresh interval after it, never per job.
      b.ringEpochs(
          new RingConfigTable(
              dynamoDb.getObject(),
              properties.getLeaseTable(),
              properties.getLanes(),
              Clock.systemUTC()),
          Enqueuer.DEFAULT_EPOCH_REFRESH);
    }
    return b.build();
  }

  /** The worker is enabled, or the enqueuer follows the ring's epoch: both read the lease table. */
  static final class UsesLeaseTable extends AnyNestedCondition {
    UsesLeaseTable() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty(
        prefix = FenceqProperties.PREFIX + ".worker",
        name = "enabled",
        matchIfMissing = true)
    static final class WorkerEnabled {}

    @ConditionalOnProperty(prefix = FenceqProperties.PREFIX, name = "ring-epochs")
    static final class RingEpochs {}
  }

  /** Where the clients connect: the service's endpoint over the shared one; unset: the SDK's. */
  static AwsClients.Target target(FenceqProperties.Aws aws) {
    URI sqs = aws.getSqsEndpoint() != null ? aws.getSqsEndpoint() : aws.getEndpoint();
    URI dynamoDb =
        aws.getDynamodbEndpoint() != null ? aws.getDynamodbEndpoint() : aws.getEndpoint();
    return new AwsClients.Target(
        sqs,
        dynamoDb,
        aws.getRegion() == null ? null : Region.of(aws.getRegion()),
        aws.getAccessKeyId() == null
            ? null
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(aws.getAccessKeyId(), aws.getSecretAccessKey())));
  }

  /** The worker, its handlers and its lease table client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(
      prefix = FenceqProperties.PREFIX + ".worker",
      name = "enabled",
      matchIfMissing = true)
  static class WorkerConfiguration {
    @Bean
    @ConditionalOnMissingBean
    public JobHandlers fenceqJobHandlers(ConfigurableListableBeanFactory beans) {
      JobHandlers handlers = HandlerDiscovery.discover(beans);
      if (handlers.types().isEmpty()) {
        throw new FenceqHandlerException(
            "fenceq.worker.enabled is true but the application has no handler: add a"
                + " @FenceqHandler(\"type\") method or JobHandler bean, or set"
                + " fenceq.worker.enabled=false in an application that only enqueues");
      }
      return handlers;
    }

    @Bean
    @ConditionalOnMissingBean
    public FenceqWorkerLifecycle fenceqWorker(
        FenceqProperties properties,
        SqsClient sqs,
        DynamoDbClient dynamoDb,
        JobHandlers handlers,
        ObjectProvider<Metrics> metrics,
        Environment environment) {
      var config = properties.toConsumerConfig();
      return new FenceqWorkerLifecycle(
          config,
          sqs,
          dynamoDb,
          handlers,
          metrics.getIfAvailable(Metrics::none),
          new LaneLosses(Ticker.system(), properties.getHealth().getLaneLossWindow()),
          properties.getWorker().isAutoStartup(),
          environment.getProperty(
              "spring.lifecycle.timeout-per-shutdown-phase",
              Duration.class,
              DEFAULT_PHASE_TIMEOUT));
    }
  }

  /**
   * fenceq's spans on the application's {@code OpenTelemetry} bean. Spring Boot 3.5 manages an
   * OpenTelemetry API without {@code GlobalOpenTelemetry.getOrNoop()}, on which fenceq does not
   * read the global, so the bean is handed to it; the context's close takes it back.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(OpenTelemetry.class)
  static class TracingConfiguration {
    @Bean
    @ConditionalOnBean(OpenTelemetry.class)
    TracingRegistration fenceqTracing(OpenTelemetry openTelemetry) {
      return new TracingRegistration(openTelemetry);
    }
  }

  /** Gives fenceq the application's OpenTelemetry while the context lives. */
  static final class TracingRegistration implements InitializingBean, DisposableBean {
    private final OpenTelemetry openTelemetry;

    TracingRegistration(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    @Override
    public void afterPropertiesSet() {
      FenceqTracing.use(openTelemetry);
    }

    @Override
    public void destroy() {
      if (FenceqTracing.openTelemetry() == openTelemetry) {
        FenceqTracing.use(null);
      }
    }
  }

  /** fenceq's metrics on the application's Micrometer registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, MicrometerMetrics.class})
  static class MicrometerConfiguration {
    @Bean
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean(Metrics.class)
    public MicrometerMetrics fenceqMetrics(MeterRegistry registry) {
      return MicrometerMetrics.on(registry);
    }
  }
}
