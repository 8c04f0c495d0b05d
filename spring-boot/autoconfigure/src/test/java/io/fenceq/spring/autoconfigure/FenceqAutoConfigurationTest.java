package io.fenceq.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobHandlers;
import io.fenceq.metrics.Metrics;
import io.fenceq.micrometer.MicrometerMetrics;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.ring.HashRing;
import io.fenceq.spring.FenceqHandler;
import io.fenceq.trace.FenceqTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

class FenceqAutoConfigurationTest {
  private static final String QUEUE = "http://127.0.0.1:9324/000000000000/work.fifo";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  FenceqAutoConfiguration.class, FenceqHealthAutoConfiguration.class))
          .withPropertyValues(
              "fenceq.queue-url=" + QUEUE,
              "fenceq.lease-table=leases",
              "fenceq.worker.auto-startup=false");

  /** The application's own clients, so that no test builds a real one. */
  @Configuration(proxyBeanMethods = false)
  static class Clients {
    @Bean
    SqsClient sqs() {
      return FakeClients.sqs(new AtomicReference<>(QUEUE));
    }

    @Bean
    DynamoDbClient dynamoDb() {
      return FakeClients.dynamoDb(new AtomicReference<>("leases"));
    }
  }

  /** Only an SQS client: an application that only enqueues. */
  @Configuration(proxyBeanMethods = false)
  static class SqsOnly {
    @Bean
    SqsClient sqs() {
      return FakeClients.sqs(new AtomicReference<>(QUEUE));
    }
  }

  /** Handlers as an application writes them: methods and a JobHandler bean. */
  @Configuration(proxyBeanMethods = false)
  static class Handlers {
    static final List<String> calls = new CopyOnWriteArrayList<>();

    @Bean
    Inventory inventory() {
      return new Inventory();
    }

    @Bean
    @FenceqHandler(value = "audit", timeLimit = "30s")
    JobHandler audit() {
      return (job, context) -> calls.add("audit " + job.key());
    }
  }

  static class Inventory {
    @FenceqHandler("reserve")
    void reserve(Job job, JobContext context) {
      Handlers.calls.add("reserve " + job.key() + " " + (context == null ? "-" : "context"));
    }

    @FenceqHandler("release")
    public void release(Job job) {
      Handlers.calls.add("release " + job.key());
    }

    void notAHandler(Job job) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class SecondReserve {
    @Bean
    OtherInventory otherInventory() {
      return new OtherInventory();
    }
  }

  static class OtherInventory {
    @FenceqHandler("reserve")
    void reserve(Job job) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class UntypedJobHandler {
    @Bean
    JobHandler untyped() {
      return (job, context) -> {};
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class BadParameters {
    @Bean
    BadHandler bad() {
      return new BadHandler();
    }
  }

  static class BadHandler {
    @FenceqHandler("bad")
    void handle(Job job, String extra) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class Registry {
    @Bean
    MeterRegistry registry() {
      return new SimpleMeterRegistry();
    }
  }

  private static Job job(String type, String key) {
    return new Job(key, type, null, "job-1", Instant.EPOCH, "m-1", "1", 1);
  }

  @Test
  void theApplicationsOpenTelemetryBeanCarriesFenceqsSpansWhileTheContextLives() {
    OpenTelemetry openTelemetry =
        OpenTelemetry.propagating(
            ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
    runner
        .withUserConfiguration(Clients.class, Handlers.class)
        .withBean(OpenTelemetry.class, () -> openTelemetry)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(FenceqTracing.openTelemetry()).isSameAs(openTelemetry);
            });
    assertThat(FenceqTracing.openTelemetry()).isNotSameAs(openTelemetry);
  }

  @Test
  void aBadPropertyFailsStartUpNamingThePropertyAndItsValue() {
    runner
        .withUserConfiguration(Clients.class, Handlers.class)
        .withPropertyValues("fenceq.worker.concurrency=0")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "fenceq.worker.concurrency must be a whole number from 1 to 64, got 0"));
  }

  @Test
  void aMissingQueueAndABadDurationAreEachNamed() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FenceqAutoConfiguration.class))
        .withUserConfiguration(Clients.class, Handlers.class)
        .withPropertyValues("fenceq.lease-table=leases", "fenceq.worker.receive-wait=21s")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("fenceq.queue-url is required, got nothing (not set)")
                    .hasMessageContaining(
                        "fenceq.worker.receive-wait must be whole seconds from 0s to 20s, got 21s"));
  }

  @Test
  void aQueueThatIsNotFifoIsRefused() {
    runner
        .withUserConfiguration(Clients.class, Handlers.class)
        .withPropertyValues("fenceq.queue-url=http://127.0.0.1:9324/000000000000/work")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "fenceq.queue-url must be a FIFO queue's URL (ending in .fifo): lanes are"
                            + " groups, got \"http://127.0.0.1:9324/000000000000/work\""));
  }

  @Test
  void handlersAreFoundOnMethodsAndJobHandlerBeans() throws Exception {
    Handlers.calls.clear();
    runner
        .withUserConfiguration(Clients.class, Handlers.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(FenceqWorkerLifecycle.class);
              JobHandlers handlers = context.getBean(JobHandlers.class);
              assertThat(handlers.types()).containsExactlyInAnyOrder("reserve", "release", "audit");
              assertThat(handlers.timeLimitFor("audit")).contains(java.time.Duration.ofSeconds(30));
              assertThat(handlers.timeLimitFor("reserve")).isEmpty();
              handlers.handlerFor("reserve").orElseThrow().handle(job("reserve", "sku-1"), null);
              handlers.handlerFor("release").orElseThrow().handle(job("release", "sku-2"), null);
              handlers.handlerFor("audit").orElseThrow().handle(job("audit", "sku-3"), null);
              assertThat(context.getBean(FenceqWorkerLifecycle.class).isRunning()).isFalse();
            });
    assertThat(Handlers.calls).containsExactly("reserve sku-1 -", "release sku-2", "audit sku-3");
  }

  @Test
  void whatAHandlerMethodThrowsIsWhatTheHandlerThrows() {
    runner
        .withUserConfiguration(Clients.class)
        .withBean(Thrower.class)
        .run(
            context -> {
              JobHandler handler =
                  context.getBean(JobHandlers.class).handlerFor("fail").orElseThrow();
              org.assertj.core.api.Assertions.assertThatThrownBy(
                      () -> handler.handle(job("fail", "k"), null))
                  .isInstanceOf(java.io.IOException.class)
                  .hasMessage("downstream refused");
            });
  }

  static class Thrower {
    @FenceqHandler("fail")
    void fail(Job job) throws java.io.IOException {
      throw new java.io.IOException("downstream refused");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ScopedHandler {
    @Bean
    @org.springframework.context.annotation.Scope(
        value = "prototype",
        proxyMode = org.springframework.context.annotation.ScopedProxyMode.TARGET_CLASS)
    Thrower scoped() {
      return new Thrower();
    }
  }

  @Test
  void aScopedProxyBeansHandlerIsFoundOnce() {
    runner
        .withUserConfiguration(Clients.class, ScopedHandler.class)
        .run(
            context ->
                assertThat(context.getBean(JobHandlers.class).types()).containsExactly("fail"));
  }

  @Test
  void twoHandlersOfOneTypeAreRefusedNamingBoth() {
    runner
        .withUserConfiguration(Clients.class, Handlers.class, SecondReserve.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .isInstanceOf(FenceqHandlerException.class)
                    .hasMessageContaining("job type \"reserve\" has two handlers")
                    .hasMessageContaining("method Inventory.reserve of bean 'inventory'")
                    .hasMessageContaining(
                        "method OtherInventory.reserve of bean 'otherInventory'"));
  }

  @Test
  void aJobHandlerBeanWithoutAJobTypeIsRefused() {
    runner
        .withUserConfiguration(Clients.class, UntypedJobHandler.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("JobHandler bean 'untyped' names no job type"));
  }

  @Test
  void aHandlerMethodWithOtherParametersIsRefused() {
    runner
        .withUserConfiguration(Clients.class, BadParameters.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "method BadHandler.handle of bean 'bad' may take only a Job and a"
                            + " JobContext, each at most once; its parameters are [Job, String]"));
  }

  @Test
  void aWorkerWithoutHandlersIsRefused() {
    runner
        .withUserConfiguration(Clients.class)
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("the application has no handler"));
  }

  @Test
  void anApplicationThatOnlyEnqueuesNeedsNoLeaseTableNorHandler() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FenceqAutoConfiguration.class))
        .withUserConfiguration(SqsOnly.class)
        .withPropertyValues("fenceq.queue-url=" + QUEUE, "fenceq.worker.enabled=false")
        .run(
            context -> {
              assertThat(context)
                  .hasNotFailed()
                  .hasSingleBean(Enqueuer.class)
                  .doesNotHaveBean(FenceqWorkerLifecycle.class)
                  .doesNotHaveBean(DynamoDbClient.class);
              assertThat(context.getBean(Enqueuer.class).queueUrl()).isEqualTo(QUEUE);
              assertThat(context.getBean(Enqueuer.class).ring().laneCount()).isEqualTo(256);
            });
  }

  /**
   * An application that only enqueues, on a lease table whose ring#config says epoch 1 with 512
   * lanes: its SQS client keeps the jobs it is sent, its DynamoDB client counts the epoch's reads.
   */
  @Configuration(proxyBeanMethods = false)
  static class ReshardedClients {
    static final List<SendMessageRequest> sent = new CopyOnWriteArrayList<>();
    static final List<GetItemRequest> reads = new CopyOnWriteArrayList<>();

    @Bean
    SqsClient sqs() {
      SqsClient queue = FakeClients.sqs(new AtomicReference<>(QUEUE));
      return new SqsClient() {
        @Override
        public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
          return queue.getQueueAttributes(request);
        }

        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
          sent.add(request);
          return SendMessageResponse.builder()
              .messageId("m" + sent.size())
              .sequenceNumber(Integer.toString(sent.size()))
              .build();
        }

        @Override
        public String serviceName() {
          return "sqs";
        }

        @Override
        public void close() {}
      };
    }

    @Bean
    DynamoDbClient dynamoDb() {
      return new DynamoDbClient() {
        @Override
        public GetItemResponse getItem(GetItemRequest request) {
          reads.add(request);
          return GetItemResponse.builder()
              .item(
                  Map.of(
                      "id",
                      AttributeValue.fromS(RingConfigTable.ID),
                      RingConfigTable.EPOCH,
                      AttributeValue.fromN("1"),
                      RingConfigTable.LANES,
                      AttributeValue.fromN("512"),
                      RingConfigTable.PREVIOUS_LANES,
                      AttributeValue.fromN("256")))
              .build();
        }

        @Override
        public String serviceName() {
          return "dynamodb";
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void withRingEpochsTheEnqueuerRoutesByTheEpochsRingAndStampsIt() {
    ReshardedClients.sent.clear();
    ReshardedClients.reads.clear();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FenceqAutoConfiguration.class))
        .withUserConfiguration(ReshardedClients.class)
        .withPropertyValues(
            "fenceq.queue-url=" + QUEUE,
            "fenceq.lease-table=leases",
            "fenceq.worker.enabled=false",
            "fenceq.ring-epochs=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Enqueuer enqueuer = context.getBean(Enqueuer.class);
              enqueuer.enqueue(JobRequest.ofJson("sku-1", "reserve", "{}"));
              enqueuer.enqueue(JobRequest.ofJson("sku-2", "reserve", "{}"));

              HashRing resharded = HashRing.of(512);
              assertThat(enqueuer.ring().laneCount()).isEqualTo(512);
              assertThat(ReshardedClients.sent)
                  .extracting(SendMessageRequest::messageGroupId)
                  .containsExactly(
                      resharded.laneFor("sku-1").id(), resharded.laneFor("sku-2").id());
              assertThat(ReshardedClients.sent)
                  .allSatisfy(
                      r ->
                          assertThat(
                                  r.messageAttributes().get(Enqueuer.EPOCH_ATTRIBUTE).stringValue())
                              .isEqualTo("1"));
              // The epoch is read from the configured lease table once, not per job.
              assertThat(ReshardedClients.reads)
                  .singleElement()
                  .satisfies(r -> assertThat(r.tableName()).isEqualTo("leases"));
            });
  }

  @Test
  void withoutRingEpochsTheEnqueuerKeepsTheConfiguredRingAndReadsNoEpoch() {
    ReshardedClients.sent.clear();
    ReshardedClients.reads.clear();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FenceqAutoConfiguration.class))
        .withUserConfiguration(ReshardedClients.class)
        .withPropertyValues("fenceq.queue-url=" + QUEUE, "fenceq.worker.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Enqueuer enqueuer = context.getBean(Enqueuer.class);
              enqueuer.enqueue(JobRequest.ofJson("sku-1", "reserve", "{}"));

              assertThat(enqueuer.ring().laneCount()).isEqualTo(256);
              assertThat(ReshardedClients.sent.get(0).messageAttributes())
                  .doesNotContainKey(Enqueuer.EPOCH_ATTRIBUTE);
              assertThat(ReshardedClients.reads).isEmpty();
            });
  }

  @Test
  void ringEpochsReachesTheWorkersConfiguration() {
    FenceqProperties properties = new FenceqProperties();
    properties.setQueueUrl(QUEUE);
    properties.setLeaseTable("leases");
    assertThat(properties.toConsumerConfig().ringEpochs()).isFalse();
    properties.setRingEpochs(true);
    assertThat(properties.toConsumerConfig().ringEpochs()).isTrue();
  }

  @Test
  void ringEpochsWithoutALeaseTableIsRefusedNamingIt() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FenceqAutoConfiguration.class))
        .withUserConfiguration(SqsOnly.class)
        .withPropertyValues(
            "fenceq.queue-url=" + QUEUE, "fenceq.worker.enabled=false", "fenceq.ring-epochs=true")
        .run(
            context ->
                assertThat(context)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining(
                        "fenceq.lease-table is required while fenceq.ring-epochs is true (the"
                            + " ring's epoch is read from it), got nothing (not set)"));
  }

  @Test
  void clientsConnectWhereThePropertiesSay() {
    // The Enqueuer reads its queue's attributes when built: here it is the application's own,
    // on a fake, so that the clients under test are built and never called.
    runner
        .withUserConfiguration(Handlers.class)
        .withBean(
            Enqueuer.class,
            () ->
                Enqueuer.builder()
                    .sqs(FakeClients.sqs(new AtomicReference<>(QUEUE)))
                    .queueUrl(QUEUE)
                    .ring(io.fenceq.ring.HashRing.of(256))
                    .build())
        .withPropertyValues(
            "fenceq.aws.region=eu-west-1",
            "fenceq.aws.endpoint=http://127.0.0.1:4566",
            "fenceq.aws.dynamodb-endpoint=http://127.0.0.1:8000",
            "fenceq.aws.access-key-id=test",
            "fenceq.aws.secret-access-key=test")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              var sqs = context.getBean(SqsClient.class).serviceClientConfiguration();
              var dynamoDb = context.getBean(DynamoDbClient.class).serviceClientConfiguration();
              assertThat(sqs.endpointOverride()).contains(URI.create("http://127.0.0.1:4566"));
              assertThat(dynamoDb.endpointOverride()).contains(URI.create("http://127.0.0.1:8000"));
              assertThat(sqs.region()).isEqualTo(Region.EU_WEST_1);
            });
  }

  @Test
  void theApplicationsOwnClientsAreUsed() {
    runner
        .withUserConfiguration(Clients.class, Handlers.class)
        .run(
            context -> {
              assertThat(context)
                  .hasSingleBean(SqsClient.class)
                  .hasSingleBean(DynamoDbClient.class);
              assertThat(context).hasBean("sqs").doesNotHaveBean("fenceqSqsClient");
              assertThat(context).hasBean("dynamoDb").doesNotHaveBean("fenceqDynamoDbClient");
            });
  }

  @Test
  void aMeterRegistryGetsFenceqsMetrics() {
    runner
        .withUserConfiguration(Clients.class, Handlers.class, Registry.class)
        .run(
            context -> {
              assertThat(context).getBean(Metrics.class).isInstanceOf(MicrometerMetrics.class);
              context.getBean(Metrics.class).count("JobsOk", 3, java.util.Map.of("queue", "work"));
              assertThat(
                      context.getBean(MeterRegistry.class).get("fenceq.jobs.ok").counter().count())
                  .isEqualTo(3.0);
            });
  }

  @Test
  void withoutARegistryThereIsNoMetricsBean() {
    runner
        .withUserConfiguration(Clients.class, Handlers.class)
        .run(context -> assertThat(context).doesNotHaveBean(Metrics.class));
  }

  @Test
  void theHealthComponentIsFenceq() {
    runner
        .withUserConfiguration(Clients.class, Handlers.class)
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(FenceqHealthIndicator.class)
                    .hasBean("fenceqHealthIndicator"));
    runner
        .withUserConfiguration(Clients.class, Handlers.class)
        .withPropertyValues("management.health.fenceq.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(FenceqHealthIndicator.class));
  }

  @Test
  void fenceqEnabledFalseConfiguresNothing() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                FenceqAutoConfiguration.class, FenceqHealthAutoConfiguration.class))
        .withPropertyValues("fenceq.enabled=false")
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(Enqueuer.class)
                    .doesNotHaveBean(FenceqHealthIndicator.class));
  }
}
