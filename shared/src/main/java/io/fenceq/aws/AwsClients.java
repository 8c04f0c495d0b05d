package io.fenceq.aws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the SDK clients fenceq uses, the same way everywhere: the Apache 5 HTTP client chosen
 * explicitly (the SDK would otherwise pick whichever client it finds on the class path), the
 * standard retry mode with backoff and jitter for throttling and 5xx answers, and an optional
 * endpoint.
 *
 * <p>With no endpoint given, the SDK's own conventions apply: {@code AWS_ENDPOINT_URL}, {@code
 * AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_REGION} and the default
 * credentials chain, which is how fenceq is pointed at LocalStack, the embedded emulators of
 * another process, or real AWS.
 */
public final class AwsClients {
  /** Attempts per SDK call, the first included; throttling backs off between them. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private AwsClients() {}

  /**
   * Where and as whom to connect; {@code null} fields fall back to the SDK's defaults (environment,
   * profile, instance role).
   */
  public record Target(
      URI sqsEndpoint,
      URI dynamoDbEndpoint,
      Region region,
      AwsCredentialsProvider credentials,
      URI s3Endpoint) {
    /** A target with no S3 endpoint of its own (the SDK's conventions find one, if any). */
    public Target(
        URI sqsEndpoint, URI dynamoDbEndpoint, Region region, AwsCredentialsProvider credentials) {
      this(sqsEndpoint, dynamoDbEndpoint, region, credentials, null);
    }

    /** Everything from the environment, as the SDK resolves it. */
    public static Target fromEnvironment() {
      return new Target(null, null, null, null, null);
    }

    /** This target with {@code endpoint} for S3; {@code null}: the SDK's conventions. */
    public Target withS3Endpoint(URI endpoint) {
      return new Target(sqsEndpoint, dynamoDbEndpoint, region, credentials, endpoint);
    }
  }

  public static SqsClient sqs(Target target) {
    return sqs(target, Options.DEFAULT);
  }

  public static DynamoDbClient dynamoDb(Target target) {
    return dynamoDb(target, Options.DEFAULT);
  }

  /** An SQS client whose calls pass through {@code interceptors}, in order. */
  public static SqsClient sqs(Target target, List<? extends ExecutionInterceptor> interceptors) {
    return sqs(target, Options.builder().interceptors(interceptors).build());
  }

  /** A DynamoDB client whose calls pass through {@code interceptors}, in order. */
  public static DynamoDbClient dynamoDb(
      Target target, List<? extends ExecutionInterceptor> interceptors) {
    return dynamoDb(target, Options.builder().interceptors(interceptors).build());
  }

  public static SqsClient sqs(Target target, Options options) {
    return configure(SqsClient.builder(), target.sqsEndpoint(), target, options).build();
  }

  public static DynamoDbClient dynamoDb(Target target, Options options) {
    return configure(DynamoDbClient.builder(), target.dynamoDbEndpoint(), target, options).build();
  }

  /**
   * An S3 client for large payloads. With an endpoint (the target's, or {@code AWS_ENDPOINT_URL_S3}
   * / {@code AWS_ENDPOINT_URL} in the process environment) buckets are addressed path-style, as
   * emulators need; on AWS the SDK's virtual-host style stays.
   */
  public static S3Client s3(Target target) {
    return s3(target, Options.DEFAULT);
  }

  public static S3Client s3(Target target, Options options) {
    S3ClientBuilder builder = configure(S3Client.builder(), target.s3Endpoint(), target, options);
    boolean endpointSet =
        target.s3Endpoint() != null
            || present(System.getenv(AwsEnvironment.ENDPOINT_S3))
            || present(System.getenv(AwsEnvironment.ENDPOINT));
    return builder.forcePathStyle(endpointSet).build();
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, URI endpoint, Target target, Options options) {
    Apache5HttpClient.Builder http =
        Apache5HttpClient.builder()
            .maxConnections(64)
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(30));
    ClientOverrideConfiguration.Builder override =
        ClientOverrideConfiguration.builder()
            .retryStrategy(
                AwsRetryStrategy.standardRetryStrategy().toBuilder()
                    .maxAttempts(options.maxAttempts())
                    .build());
    options.interceptors().forEach(override::addExecutionInterceptor);
    if (options.apiCallTimeout() != null) {
      override.apiCallTimeout(options.apiCallTimeout());
    }
    if (options.apiCallAttemptTimeout() != null) {
      override.apiCallAttemptTimeout(options.apiCallAttemptTimeout());
    }
    builder
        .httpClientBuilder(
            options.httpClientDecorator() == null
                ? http
                : new DecoratedHttpClientBuilder(http, options.httpClientDecorator()))
        .overrideConfiguration(override.build());
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    if (target.region() != null) {
      builder.region(target.region());
    }
    if (target.credentials() != null) {
      builder.credentialsProvider(target.credentials());
    }
    return builder;
  }

  /**
   * How a client behaves beyond where it connects: retries, timeouts and hooks into each call. The
   * defaults are what every fenceq client uses; fault tests add interceptors, short timeouts or a
   * decorated HTTP client.
   */
  public static final class Options {
    /** {@link #DEFAULT_MAX_ATTEMPTS} attempts, the SDK's timeouts, no hooks. */
    public static final Options DEFAULT = builder().build();

    private final List<ExecutionInterceptor> interceptors;
    private final Duration apiCallTimeout;
    private final Duration apiCallAttemptTimeout;
    private final int maxAttempts;
    private final UnaryOperator<SdkHttpClient> httpClientDecorator;

    private Options(Builder b) {
      this.interceptors = List.copyOf(b.interceptors);
      this.apiCallTimeout = b.apiCallTimeout;
      this.apiCallAttemptTimeout = b.apiCallAttemptTimeout;
      this.maxAttempts = b.maxAttempts;
      this.httpClientDecorator = b.httpClientDecorator;
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Called on every call and attempt, in order; empty by default. */
    public List<ExecutionInterceptor> interceptors() {
      return interceptors;
    }

    /** Limit of a whole call, retries included; {@code null}: the SDK's (none). */
    public Duration apiCallTimeout() {
      return apiCallTimeout;
    }

    /** Limit of one attempt; {@code null}: the SDK's (none, only the socket timeout). */
    public Duration apiCallAttemptTimeout() {
      return apiCallAttemptTimeout;
    }

    /** Attempts per call, the first included. */
    public int maxAttempts() {
      return maxAttempts;
    }

    /**
     * Wraps the Apache HTTP client the SDK builds (and closes with the SDK client); {@code null}:
     * none.
     */
    public UnaryOperator<SdkHttpClient> httpClientDecorator() {
      return httpClientDecorator;
    }

    /** Builds {@link Options}; each setter names the setting and the value it refuses. */
    public static final class Builder {
      private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
      private Duration apiCallTimeout;
      private Duration apiCallAttemptTimeout;
      private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
      private UnaryOperator<SdkHttpClient> httpClientDecorator;

      private Builder() {}

      /** Appends interceptors, called in the order added. */
      public Builder interceptors(List<? extends ExecutionInterceptor> interceptors) {
        Objects.requireNonNull(interceptors, "interceptors");
        interceptors.forEach(this::interceptor);
        return this;
      }

      /** Appends one interceptor. */
      public Builder interceptor(ExecutionInterceptor interceptor) {
        interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
      }

      public Builder apiCallTimeout(Duration timeout) {
        this.apiCallTimeout = positive("apiCallTimeout", timeout);
        return this;
      }

      public Builder apiCallAttemptTimeout(Duration timeout) {
        this.apiCallAttemptTimeout = positive("apiCallAttemptTimeout", timeout);
        return this;
      }

      public Builder maxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
          throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        return this;
      }

      /** Wraps the HTTP client; decorators given before are applied first. */
      public Builder httpClientDecorator(UnaryOperator<SdkHttpClient> decorator) {
        Objects.requireNonNull(decorator, "httpClientDecorator");
        UnaryOperator<SdkHttpClient> before = httpClientDecorator;
        this.httpClientDecorator =
            before == null ? decorator : client -> decorator.apply(before.apply(client));
        return this;
      }

      public Options build() {
        return new Options(this);
      }

      private static Duration positive(String setting, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
          throw new IllegalArgumentException(setting + " must be positive, was " + value);
        }
        return value;
      }
    }
  }

  /**
   * Builds the Apache client with the SDK's defaults, then decorates it; given to the SDK as a
   * builder so that the SDK still owns, and closes, the client it gets.
   */
  private record DecoratedHttpClientBuilder(
      Apache5HttpClient.Builder delegate, UnaryOperator<SdkHttpClient> decorator)
      implements SdkHttpClient.Builder<DecoratedHttpClientBuilder> {
    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      return decorator.apply(delegate.buildWithDefaults(serviceDefaults));
    }
  }
}
