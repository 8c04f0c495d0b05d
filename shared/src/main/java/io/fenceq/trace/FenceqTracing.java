package io.fenceq.trace;

import io.fenceq.trace.internal.Telemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The names fenceq's OpenTelemetry spans and attributes use, so dashboards and tests can refer to
 * them.
 *
 * <p>fenceq reports to the application's global OpenTelemetry ({@code GlobalOpenTelemetry}), read
 * at each use and never set by fenceq: without an SDK registered every span is a no-op and nothing
 * is added to the messages. With one, a job's trace runs from the enqueue through the lease and the
 * handler to the fenced write:
 *
 * <pre>
 * fenceq enqueue            PRODUCER  on the producer; its context travels in the message
 *  └ fenceq lease acquire   INTERNAL  the lane-batch's lease, child of its first job, linked to the rest
 *  └ fenceq job &lt;type&gt;      CONSUMER  around the handler; current while it runs
 *     └ fenceq fenced write CLIENT    DynamoDbFence.update or JdbcFencedUpdate.execute
 * </pre>
 *
 * <p>The context travels as SQS message attributes named by the propagator's fields ({@code
 * traceparent}, {@code tracestate}, {@code baggage} with the default W3C propagators): at most
 * {@link #MAX_PROPAGATION_ATTRIBUTES} of them and {@link #MAX_PROPAGATION_BYTES} bytes, beside
 * fenceq's own {@code fenceq.ring}, so a message keeps room within SQS's 10 attributes. A field
 * past the budget is left out and the trace breaks there, never the enqueue.
 */
public final class FenceqTracing {
  /** The instrumentation scope of fenceq's tracer. */
  public static final String INSTRUMENTATION_NAME = "io.fenceq";

  /** Propagation fields carried per message, at most. */
  public static final int MAX_PROPAGATION_ATTRIBUTES = 3;

  /** Bytes of propagation attributes per message (names, data type and values), at most. */
  public static final int MAX_PROPAGATION_BYTES = 1024;

  public static final String ENQUEUE_SPAN = "fenceq enqueue";
  public static final String LEASE_ACQUIRE_SPAN = "fenceq lease acquire";
  public static final String JOB_SPAN_PREFIX = "fenceq job ";
  public static final String FENCED_WRITE_SPAN = "fenceq fenced write";

  public static final AttributeKey<String> LANE = AttributeKey.stringKey("fenceq.lane");

  /**
   * The fence a job's handler writes with (on a job span, the downstream fence: {@link
   * io.fenceq.fence.DownstreamFence}); on a lease span, the lease's own fence.
   */
  public static final AttributeKey<Long> FENCE = AttributeKey.longKey("fenceq.fence");

  /** On a job span, the lane lease's fence the downstream fence was composed from. */
  public static final AttributeKey<Long> LANE_FENCE = AttributeKey.longKey("fenceq.lane_fence");

  public static final AttributeKey<String> SEQ = AttributeKey.stringKey("fenceq.seq");
  public static final AttributeKey<String> KEY = AttributeKey.stringKey("fenceq.key");
  public static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("fenceq.job_id");
  public static final AttributeKey<String> JOB_TYPE = AttributeKey.stringKey("fenceq.job_type");
  public static final AttributeKey<Long> JOBS = AttributeKey.longKey("fenceq.jobs");

  /**
   * The outcome: a lease's ({@code GRANTED}, {@code HELD}, ...) or a write's ({@code APPLIED}...).
   */
  public static final AttributeKey<String> RESULT = AttributeKey.stringKey("fenceq.result");

  public static final AttributeKey<String> MESSAGING_SYSTEM =
      AttributeKey.stringKey("messaging.system");
  public static final AttributeKey<String> MESSAGING_DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  public static final AttributeKey<String> MESSAGING_MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  public static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  public static final AttributeKey<String> DB_COLLECTION =
      AttributeKey.stringKey("db.collection.name");

  /** Every attribute key above that carries fenceq's own meaning. */
  public static final List<AttributeKey<?>> FENCEQ_ATTRIBUTES =
      List.of(LANE, FENCE, LANE_FENCE, SEQ, KEY, JOB_ID, JOB_TYPE, JOBS, RESULT);

  private FenceqTracing() {}

  /**
   * Reports fenceq's spans to {@code openTelemetry} instead of the global one, and propagates with
   * its propagators; {@code null} goes back to the global. For an application that keeps its SDK
   * out of {@code GlobalOpenTelemetry}, or whose OpenTelemetry API lacks {@code
   * GlobalOpenTelemetry.getOrNoop()} (1.49, which Spring Boot 3.5 manages, is one): there fenceq
   * never reads the global, since reading it before the application registers its SDK would fix it
   * to a no-op, and traces only once given an instance here.
   */
  public static void use(OpenTelemetry openTelemetry) {
    Telemetry.use(openTelemetry);
  }

  /** The instance fenceq reports to now: the one given to {@link #use}, the global, or a no-op. */
  public static OpenTelemetry openTelemetry() {
    return Telemetry.openTelemetry();
  }
}
