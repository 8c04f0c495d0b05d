package io.fenceq.trace.internal;

import io.fenceq.trace.FenceqTracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Where fenceq meets OpenTelemetry: the tracer, and the trace context carried in SQS message
 * attributes.
 *
 * <p>The global OpenTelemetry is read at each use with {@code getOrNoop()}, which never sets it: an
 * application that registers its SDK after building fenceq's objects still gets its spans, and
 * fenceq never stops it from registering one. On an API without {@code getOrNoop()} fenceq reports
 * only to an instance given to {@link FenceqTracing#use}.
 */
public final class Telemetry {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

  /** The lane a job runs on, in the context its handler runs in, for the fenced write's span. */
  private static final ContextKey<String> LANE = ContextKey.named("fenceq.lane");

  private static final TextMapGetter<Map<String, MessageAttributeValue>> ATTRIBUTES =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, MessageAttributeValue> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, MessageAttributeValue> carrier, String key) {
          if (carrier == null) {
            return null;
          }
          MessageAttributeValue value = carrier.get(key);
          return value == null ? null : value.stringValue();
        }
      };

  /**
   * {@code GlobalOpenTelemetry.getOrNoop()}, or null on an API without it: there, {@code get()}
   * would set the global to a no-op when the application has not registered its SDK yet, and its
   * own registration would then fail, so fenceq does not read the global at all.
   */
  private static final MethodHandle GET_OR_NOOP = getOrNoop();

  /** The instance {@link FenceqTracing#use} gave, or null to read the global. */
  private static volatile OpenTelemetry configured;

  private Telemetry() {}

  private static MethodHandle getOrNoop() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(
              GlobalOpenTelemetry.class, "getOrNoop", MethodType.methodType(OpenTelemetry.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /** Reports to {@code openTelemetry} from now on instead of the global one; null to go back. */
  public static void use(OpenTelemetry openTelemetry) {
    configured = openTelemetry;
  }

  /** The instance fenceq reports to now. */
  public static OpenTelemetry openTelemetry() {
    OpenTelemetry given = configured;
    if (given != null) {
      return given;
    }
    if (GET_OR_NOOP == null) {
      return OpenTelemetry.noop();
    }
    try {
      return (OpenTelemetry) GET_OR_NOOP.invokeExact();
    } catch (Throwable e) {
      return OpenTelemetry.noop();
    }
  }

  public static Tracer tracer() {
    return openTelemetry().getTracer(FenceqTracing.INSTRUMENTATION_NAME);
  }

  private static TextMapPropagator propagator() {
    return openTelemetry().getPropagators().getTextMapPropagator();
  }

  /**
   * The message attributes that carry {@code context}, within {@link
   * FenceqTracing#MAX_PROPAGATION_ATTRIBUTES} and {@link FenceqTracing#MAX_PROPAGATION_BYTES};
   * empty without an SDK or a valid span.
   */
  public static Map<String, MessageAttributeValue> inject(Context context) {
    Map<String, String> fields = new LinkedHashMap<>();
    propagator().inject(context, fields, (carrier, key, value) -> carrier.put(key, value));
    if (fields.isEmpty()) {
      return Map.of();
    }
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    int bytes = 0;
    for (Map.Entry<String, String> field : fields.entrySet()) {
      int size = bytes(field.getKey(), field.getValue());
      if (field.getValue().isEmpty()
          || attributes.size() == FenceqTracing.MAX_PROPAGATION_ATTRIBUTES
          || bytes + size > FenceqTracing.MAX_PROPAGATION_BYTES) {
        log.debug(
            "event=trace_field_left_out field={} bytes={} reason=\"past fenceq's propagation budget"
                + " or empty\"",
            field.getKey(),
            size);
        continue;
      }
      bytes += size;
      attributes.put(
          field.getKey(),
          MessageAttributeValue.builder().dataType("String").stringValue(field.getValue()).build());
    }
    return Collections.unmodifiableMap(attributes);
  }

  /** Bytes SQS counts for string attributes: names, data type and values. */
  public static int bytes(Map<String, MessageAttributeValue> attributes) {
    int total = 0;
    for (Map.Entry<String, MessageAttributeValue> a : attributes.entrySet()) {
      total += bytes(a.getKey(), a.getValue().stringValue());
    }
    return total;
  }

  private static int bytes(String name, String value) {
    return utf8(name) + utf8("String") + utf8(value);
  }

  private static int utf8(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The context the producer sent with {@code message}, or the root context. */
  public static Context extract(Message message) {
    if (!message.hasMessageAttributes()) {
      return Context.root();
    }
    return propagator().extract(Context.root(), message.messageAttributes(), ATTRIBUTES);
  }

  /** {@code context} knowing the lane its job runs on. */
  public static Context withLane(Context context, String lane) {
    return lane == null ? context : context.with(LANE, lane);
  }

  /** The lane of the job running in the current context, or null outside a job. */
  public static String currentLane() {
    return Context.current().get(LANE);
  }

  /**
   * Starts the span of a fenced write, a child of the current context (the job's, inside a
   * handler).
   */
  public static Span startFencedWrite(String dbSystem, String collection, long fence, String seq) {
    SpanBuilder builder =
        tracer()
            .spanBuilder(FenceqTracing.FENCED_WRITE_SPAN)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(FenceqTracing.DB_SYSTEM, dbSystem)
            .setAttribute(FenceqTracing.FENCE, fence)
            .setAttribute(FenceqTracing.SEQ, seq);
    if (collection != null) {
      builder.setAttribute(FenceqTracing.DB_COLLECTION, collection);
    }
    String lane = currentLane();
    if (lane != null) {
      builder.setAttribute(FenceqTracing.LANE, lane);
    }
    return builder.startSpan();
  }

  /** Ends a fenced write's span with its result, or with the failure that ended it. */
  public static void endFencedWrite(Span span, Object result, Throwable failure) {
    if (failure != null) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
    } else {
      span.setAttribute(FenceqTracing.RESULT, String.valueOf(result));
    }
    span.end();
  }
}
