package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.examples.inventory.Inventory;
import io.fenceq.examples.inventory.InventoryOutcome;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.testing.Eventually;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import io.fenceq.trace.FenceqTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * One trace from the enqueue to the fenced write: the producer's context travels in the message's
 * attributes, and the consumer's spans (lease, job, fenced write) join it, with the OpenTelemetry
 * SDK registered globally and its in-memory exporter reading what was reported.
 */
class TraceAcrossTheQueueTest {
  private final TestAws aws = TestAws.get();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private OpenTelemetrySdk sdk;

  @BeforeEach
  void registerSdk() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(
                ContextPropagators.create(
                    TextMapPropagator.composite(
                        W3CTraceContextPropagator.getInstance(),
                        W3CBaggagePropagator.getInstance())))
            .build();
    GlobalOpenTelemetry.resetForTest();
    GlobalOpenTelemetry.set(sdk);
  }

  @AfterEach
  void unregisterSdk() {
    GlobalOpenTelemetry.resetForTest();
    sdk.close();
  }

  @Test
  void oneTraceRunsFromTheEnqueueThroughTheLeaseAndTheHandlerToTheFencedWrite() throws Exception {
    TestStack stack = aws.newStack("trace");
    List<InventoryOutcome> outcomes = new CopyOnWriteArrayList<>();
    Inventory inventory = new Inventory(aws.dynamoDb(), stack.inventoryTable(), outcomes::add);
    inventory.seed(1, 5);
    String sku = Inventory.skus(1).getFirst();

    Span checkout = sdk.getTracer("test").spanBuilder("checkout").startSpan();
    EnqueueResult enqueued;
    try (Scope ignored = checkout.makeCurrent()) {
      enqueued =
          stack
              .enqueuer(aws.sqs())
              .enqueue(JobRequest.ofJson(sku, Inventory.RESERVE, "{\"qty\":2}"));
    } finally {
      checkout.end();
    }

    try (Workers workers = new Workers(aws, stack)) {
      workers.start(workers.config().build(), inventory.handlers());
      Eventually.await(
          "the job's span and its fenced write's to end",
          Duration.ofSeconds(60),
          () -> named(FenceqTracing.JOB_SPAN_PREFIX + Inventory.RESERVE) != null,
          spans::getFinishedSpanItems);
    }

    String traceId = checkout.getSpanContext().getTraceId();
    SpanData enqueue = named(FenceqTracing.ENQUEUE_SPAN);
    SpanData lease = named(FenceqTracing.LEASE_ACQUIRE_SPAN);
    SpanData job = named(FenceqTracing.JOB_SPAN_PREFIX + Inventory.RESERVE);
    SpanData write = named(FenceqTracing.FENCED_WRITE_SPAN);
    assertThat(List.of(enqueue, lease, job, write))
        .as("the enqueue, lease, job and fenced write spans")
        .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(traceId));

    assertThat(enqueue.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(enqueue.getParentSpanId()).isEqualTo(checkout.getSpanContext().getSpanId());
    assertThat(enqueue.getAttributes().get(FenceqTracing.LANE)).isEqualTo(enqueued.lane().id());
    assertThat(enqueue.getAttributes().get(FenceqTracing.SEQ)).isEqualTo(enqueued.sequenceNumber());

    assertThat(lease.getParentSpanId()).isEqualTo(enqueue.getSpanId());
    assertThat(lease.getAttributes().get(FenceqTracing.RESULT)).isEqualTo("GRANTED");
    long fence = lease.getAttributes().get(FenceqTracing.FENCE);

    assertThat(job.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(job.getParentSpanId()).isEqualTo(enqueue.getSpanId());
    assertThat(job.getAttributes().get(FenceqTracing.LANE)).isEqualTo(enqueued.lane().id());
    // At epoch 0 the downstream fence the handler saw is the lease's own.
    assertThat(job.getAttributes().get(FenceqTracing.FENCE)).isEqualTo(fence);
    assertThat(job.getAttributes().get(FenceqTracing.LANE_FENCE)).isEqualTo(fence);
    assertThat(job.getAttributes().get(FenceqTracing.SEQ)).isEqualTo(enqueued.sequenceNumber());
    assertThat(job.getAttributes().get(FenceqTracing.RESULT)).isEqualTo("SUCCEEDED");

    assertThat(write.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(write.getParentSpanId()).isEqualTo(job.getSpanId());
    assertThat(write.getAttributes().get(FenceqTracing.LANE)).isEqualTo(enqueued.lane().id());
    assertThat(write.getAttributes().get(FenceqTracing.FENCE)).isEqualTo(fence);
    assertThat(write.getAttributes().get(FenceqTracing.SEQ)).isEqualTo(enqueued.sequenceNumber());
    assertThat(write.getAttributes().get(FenceqTracing.RESULT)).isEqualTo("APPLIED");
    assertThat(write.getAttributes().get(FenceqTracing.DB_COLLECTION))
        .isEqualTo(stack.inventoryTable());

    assertThat(outcomes).singleElement().extracting(InventoryOutcome::fence).isEqualTo(fence);
  }

  @Test
  void traceFieldsPastTheBudgetAreLeftOutAndTheJobStillGoes() {
    TestStack stack = aws.newStack("tracebudget");
    Enqueuer enqueuer = stack.enqueuer(aws.sqs());
    Baggage oversized =
        Baggage.builder().put("note", "x".repeat(FenceqTracing.MAX_PROPAGATION_BYTES)).build();
    Span span = sdk.getTracer("test").spanBuilder("producer").startSpan();
    try (Scope ignored = Context.current().with(span).with(oversized).makeCurrent()) {
      enqueuer.enqueue(JobRequest.ofJson("sku-1", Inventory.RESERVE, "{\"qty\":1}"));
    } finally {
      span.end();
    }

    Map<String, MessageAttributeValue> attributes = receiveOne(stack).messageAttributes();
    assertThat(attributes).containsKeys(Enqueuer.RING_ATTRIBUTE, "traceparent");
    assertThat(attributes)
        .as("the baggage is past the budget: left out, the message sent")
        .doesNotContainKey("baggage");
    assertThat(attributes.get("traceparent").stringValue())
        .contains(span.getSpanContext().getTraceId());
  }

  @Test
  void withoutAnSdkTheMessageCarriesOnlyFenceqsOwnAttribute() {
    GlobalOpenTelemetry.resetForTest();
    TestStack stack = aws.newStack("tracenone");
    stack.enqueuer(aws.sqs()).enqueue(JobRequest.ofJson("sku-1", Inventory.RESERVE, "{\"qty\":1}"));

    assertThat(receiveOne(stack).messageAttributes()).containsOnlyKeys(Enqueuer.RING_ATTRIBUTE);
    assertThat(GlobalOpenTelemetry.isSet())
        .as("fenceq reads the global OpenTelemetry without setting it")
        .isFalse();
  }

  private Message receiveOne(TestStack stack) {
    List<Message> received =
        aws.sqs()
            .receiveMessage(
                r ->
                    r.queueUrl(stack.workQueueUrl())
                        .maxNumberOfMessages(1)
                        .waitTimeSeconds(5)
                        .messageAttributeNames("All"))
            .messages();
    assertThat(received).hasSize(1);
    return received.getFirst();
  }

  private SpanData named(String name) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElse(null);
  }
}
