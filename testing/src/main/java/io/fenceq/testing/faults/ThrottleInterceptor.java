package io.fenceq.testing.faults;

import io.fenceq.aws.AwsClients;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Answers a seeded fraction of SQS and DynamoDB attempts with the error responses AWS sends when it
 * throttles or fails: HTTP 400 {@code ThrottlingException}, {@code
 * ProvisionedThroughputExceededException} (DynamoDB), {@code RequestThrottled} (SQS), HTTP 500 and
 * 503, with the JSON body and the {@code x-amzn-ErrorType} / {@code x-amzn-query-error} headers the
 * services use. The fault replaces the HTTP response, so the SDK unmarshals it into the same
 * exception and retries it with the same backoff as a real one.
 *
 * <p>{@link Timing} says whether the server saw the request:
 *
 * <ul>
 *   <li>{@link Timing#BEFORE}: it did not (how AWS throttles): the answer is made up without
 *       sending anything. An {@link ExecutionInterceptor} cannot keep the SDK from sending, so this
 *       needs the HTTP client decorator that {@link #addTo(AwsClients.Options.Builder)} installs.
 *   <li>{@link Timing#AFTER}: the server applied it and its answer is replaced by the fault: the
 *       ambiguous failure of a 5xx after a write succeeded. Works as a plain interceptor too.
 * </ul>
 *
 * <p>Each attempt (each retry too) is one draw of a generator seeded at construction: with the same
 * seed and the same sequence of attempts, the same attempts fail. Attempts running concurrently
 * draw in whatever order they arrive. Only SQS and DynamoDB JSON-protocol calls are faulted; others
 * pass. Thread-safe; counts every fault by service, kind and timing.
 *
 * <pre>{@code
 * ThrottleInterceptor throttle = ThrottleInterceptor.builder().seed(42).rate(0.1).build();
 * AwsClients.Options.Builder options = AwsClients.Options.builder();
 * DynamoDbClient dynamoDb = AwsClients.dynamoDb(target, throttle.addTo(options).build());
 * }</pre>
 */
public final class ThrottleInterceptor implements ExecutionInterceptor {
  /** Whether the faulted request reached the server. */
  public enum Timing {
    /** Not sent: the server never saw it (a throttled request). */
    BEFORE,
    /** Sent and applied; only the answer is lost (a 5xx after the write). */
    AFTER
  }

  /** The services this fault speaks for, told apart by the request's {@code X-Amz-Target}. */
  public enum Service {
    SQS("AmazonSQS."),
    DYNAMODB("DynamoDB_20120810.");

    private final String targetPrefix;

    Service(String targetPrefix) {
      this.targetPrefix = targetPrefix;
    }

    static Optional<Service> of(SdkHttpRequest request) {
      Optional<String> target = request.firstMatchingHeader("X-Amz-Target");
      for (Service service : values()) {
        if (target.isPresent() && target.get().startsWith(service.targetPrefix)) {
          return Optional.of(service);
        }
      }
      return Optional.empty();
    }
  }

  /** The error answers, as each service words them. */
  public enum Fault {
    /** HTTP 400, the API-wide throttle of both services. */
    THROTTLING(400, "ThrottlingException", "ThrottlingException", "Rate exceeded"),
    /** HTTP 400, DynamoDB only: a table or index over its throughput. */
    PROVISIONED_THROUGHPUT_EXCEEDED(
        400,
        "ProvisionedThroughputExceededException",
        null,
        "The level of configured provisioned throughput for the table was exceeded."),
    /** HTTP 400, SQS only: a queue over its request rate (FIFO: 300 calls/s per action). */
    REQUEST_THROTTLED(400, null, "RequestThrottled", "Request is throttled."),
    /** HTTP 500. */
    INTERNAL_ERROR(500, "InternalServerError", "InternalFailure", "Internal server error"),
    /** HTTP 503. */
    SERVICE_UNAVAILABLE(503, "ServiceUnavailable", "ServiceUnavailable", "Service unavailable");

    private final int status;
    private final String dynamoDbCode;
    private final String sqsCode;
    private final String message;

    Fault(int status, String dynamoDbCode, String sqsCode, String message) {
      this.status = status;
      this.dynamoDbCode = dynamoDbCode;
      this.sqsCode = sqsCode;
      this.message = message;
    }

    /** The HTTP status of the answer. */
    public int status() {
      return status;
    }

    /** The error code the service answers with, empty if it has no such error. */
    public Optional<String> errorCode(Service service) {
      return Optional.ofNullable(service == Service.SQS ? sqsCode : dynamoDbCode);
    }
  }

  /** Marks a response this fault made up, so that no later hook faults it again. */
  static final String FAULT_HEADER = "x-fenceq-fault";

  /** Marks a response the HTTP decorator already decided on. */
  private static final String DECIDED_HEADER = "x-fenceq-fault-decided";

  private static final ExecutionAttribute<Verdict> INTERCEPTED =
      new ExecutionAttribute<>("fenceq.throttle.intercepted");

  private final SplittableRandom random;
  private final List<Fault> faults;
  private volatile double rate;
  private volatile Timing timing;
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLongArray counts =
      new AtomicLongArray(Service.values().length * Fault.values().length * 2);

  private ThrottleInterceptor(Builder b) {
    this.random = new SplittableRandom(b.seed);
    this.faults = List.copyOf(b.faults);
    this.rate = b.rate;
    this.timing = b.timing;
  }

  /** Defaults: seed 0, rate 0 (no faults until set), {@link Timing#BEFORE}, every fault kind. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds this interceptor and, for {@link Timing#BEFORE}, its HTTP client decorator to {@code
   * options}.
   *
   * @return {@code options}
   */
  public AwsClients.Options.Builder addTo(AwsClients.Options.Builder options) {
    return options.interceptor(this).httpClientDecorator(this::decorate);
  }

  /** The fraction of attempts to fail from now on, 0 to 1. */
  public void rate(double rate) {
    this.rate = checkRate(rate);
  }

  public double rate() {
    return rate;
  }

  /** Whether the requests failed from now on reach the server. */
  public void timing(Timing timing) {
    this.timing = Objects.requireNonNull(timing, "timing");
  }

  public Timing timing() {
    return timing;
  }

  /** Attempts seen (faulted or not) of the two services. */
  public long attempts() {
    return attempts.get();
  }

  /** Faults injected, all kinds. */
  public long injected() {
    long total = 0;
    for (int i = 0; i < counts.length(); i++) {
      total += counts.get(i);
    }
    return total;
  }

  /** Faults of one kind injected into one service's calls, either timing. */
  public long injected(Service service, Fault fault) {
    return counts.get(index(service, fault, Timing.BEFORE))
        + counts.get(index(service, fault, Timing.AFTER));
  }

  /** Faults injected with one timing, all services and kinds. */
  public long injected(Timing timing) {
    long total = 0;
    for (Service service : Service.values()) {
      for (Fault fault : Fault.values()) {
        total += counts.get(index(service, fault, timing));
      }
    }
    return total;
  }

  @Override
  public String toString() {
    return "ThrottleInterceptor[rate="
        + rate
        + " timing="
        + timing
        + " injected="
        + injected()
        + "]";
  }

  /**
   * The interceptor's path, for clients without the decorator: a response the server gave is
   * replaced. Such a fault can only come after the server saw the request.
   */
  @Override
  public SdkHttpResponse modifyHttpResponse(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    SdkHttpResponse response = context.httpResponse();
    attributes.putAttribute(INTERCEPTED, Verdict.PASS);
    if (response.firstMatchingHeader(DECIDED_HEADER).isPresent()) {
      return response;
    }
    Optional<Service> service = Service.of(context.httpRequest());
    if (service.isEmpty()) {
      return response;
    }
    if (timing == Timing.BEFORE) {
      throw new IllegalStateException(
          "ThrottleInterceptor with timing BEFORE needs its HTTP client decorator:"
              + " build the client with throttle.addTo(AwsClients.Options.builder())");
    }
    Verdict verdict = decide(service.get(), Timing.AFTER);
    attributes.putAttribute(INTERCEPTED, verdict);
    return verdict.fault() == null ? response : verdict.response();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Verdict verdict = attributes.getAttribute(INTERCEPTED);
    attributes.putAttribute(INTERCEPTED, Verdict.PASS);
    if (verdict == null || verdict.fault() == null) {
      return context.responseBody();
    }
    context.responseBody().ifPresent(ThrottleInterceptor::drain);
    return Optional.of(verdict.body());
  }

  private SdkHttpClient decorate(SdkHttpClient client) {
    return new FaultingHttpClient(client);
  }

  private Verdict decide(Service service, Timing when) {
    attempts.incrementAndGet();
    double currentRate = rate;
    List<Fault> applicable = faults.stream().filter(f -> f.errorCode(service).isPresent()).toList();
    Fault chosen = null;
    synchronized (random) {
      if (!applicable.isEmpty() && random.nextDouble() < currentRate) {
        chosen = applicable.get(random.nextInt(applicable.size()));
      }
    }
    if (chosen == null) {
      return Verdict.PASS;
    }
    long n = counts.incrementAndGet(index(service, chosen, when));
    return new Verdict(service, chosen, when, n);
  }

  private static int index(Service service, Fault fault, Timing timing) {
    return (service.ordinal() * Fault.values().length + fault.ordinal()) * 2 + timing.ordinal();
  }

  private static double checkRate(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate must be between 0 and 1, was " + rate);
    }
    return rate;
  }

  private static void drain(InputStream body) {
    try (body) {
      body.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The answer is being replaced; an unreadable original changes nothing.
    }
  }

  /** What one attempt gets: passed through, or a fault with its made-up answer. */
  private record Verdict(Service service, Fault fault, Timing timing, long number) {
    static final Verdict PASS = new Verdict(null, null, null, 0);

    SdkHttpResponse response() {
      String code = fault.errorCode(service).orElseThrow();
      SdkHttpResponse.Builder response =
          SdkHttpResponse.builder()
              .statusCode(fault.status())
              .putHeader("Content-Type", "application/x-amz-json-1.0")
              .putHeader("x-amzn-RequestId", requestId())
              .putHeader(FAULT_HEADER, fault + " " + timing.name().toLowerCase(Locale.ROOT))
              .putHeader(DECIDED_HEADER, "true");
      if (service == Service.DYNAMODB) {
        response.putHeader("x-amzn-ErrorType", code);
      } else {
        // SQS speaks JSON but keeps its query-protocol error codes in this header.
        response.putHeader(
            "x-amzn-query-error", code + (fault.status() >= 500 ? ";Receiver" : ";Sender"));
      }
      return response.build();
    }

    AbortableInputStream body() {
      String code = fault.errorCode(service).orElseThrow();
      String namespace =
          service == Service.DYNAMODB ? "com.amazonaws.dynamodb.v20120810#" : "com.amazonaws.sqs#";
      String json =
          "{\"__type\":\"" + namespace + code + "\",\"message\":\"" + fault.message + "\"}";
      return AbortableInputStream.create(
          new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private String requestId() {
      return "fenceq-fault-" + service.name().toLowerCase(Locale.ROOT) + "-" + number;
    }
  }

  /** Decides each attempt where it is sent, so a fault can come before the server sees it. */
  private final class FaultingHttpClient implements SdkHttpClient {
    private final SdkHttpClient delegate;

    FaultingHttpClient(SdkHttpClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      Optional<Service> service = Service.of(request.httpRequest());
      Verdict verdict = service.isPresent() ? decide(service.get(), timing) : Verdict.PASS;
      if (verdict.fault() != null && verdict.timing() == Timing.BEFORE) {
        return new Answered(verdict);
      }
      ExecutableHttpRequest sent = delegate.prepareRequest(request);
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          HttpExecuteResponse real = sent.call();
          if (verdict.fault() == null) {
            return HttpExecuteResponse.builder()
                .response(real.httpResponse().toBuilder().putHeader(DECIDED_HEADER, "true").build())
                .responseBody(real.responseBody().orElse(null))
                .build();
          }
          real.responseBody().ifPresent(ThrottleInterceptor::drain);
          return answer(verdict);
        }

        @Override
        public void abort() {
          sent.abort();
        }
      };
    }

    @Override
    public String clientName() {
      return delegate.clientName();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private static HttpExecuteResponse answer(Verdict verdict) {
    return HttpExecuteResponse.builder()
        .response(verdict.response())
        .responseBody(verdict.body())
        .build();
  }

  /** A request answered without sending it. */
  private record Answered(Verdict verdict) implements ExecutableHttpRequest {
    @Override
    public HttpExecuteResponse call() {
      return answer(verdict);
    }

    @Override
    public void abort() {}
  }

  /** Settings of a {@link ThrottleInterceptor}; each setter names what it refuses. */
  public static final class Builder {
    private long seed;
    private double rate;
    private Timing timing = Timing.BEFORE;
    private Set<Fault> faults = EnumSet.allOf(Fault.class);

    private Builder() {}

    /** Seeds the generator that picks the failed attempts and their kinds. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The fraction of attempts to fail, 0 to 1; changeable later with {@link #rate(double)}. */
    public Builder rate(double rate) {
      this.rate = checkRate(rate);
      return this;
    }

    public Builder timing(Timing timing) {
      this.timing = Objects.requireNonNull(timing, "timing");
      return this;
    }

    /**
     * The kinds to pick from, uniformly among those the called service has; default all. A service
     * none of them applies to is never faulted.
     */
    public Builder faults(Fault first, Fault... more) {
      this.faults = EnumSet.of(first, more);
      return this;
    }

    public ThrottleInterceptor build() {
      return new ThrottleInterceptor(this);
    }
  }
}
