package io.fenceq.functions.internal;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Dry SDK calls for SnapStart: each call runs the whole client pipeline (request validation,
 * endpoint resolution, marshalling, signing) and is stopped just before it would be sent, so the
 * classes and code paths of the first real call are loaded into the snapshot without any request
 * reaching AWS and without an open connection in the snapshot. The throwaway clients use dummy
 * credentials and are closed afterwards; the function's own clients are untouched.
 */
public final class Priming {
  private static final Logger log = LoggerFactory.getLogger(Priming.class);

  private Priming() {}

  /** Runs {@code calls} on a throwaway SQS client whose requests never leave the process. */
  public static void sqs(Region region, Consumer<SqsClient> calls) {
    try (SdkHttpClient http = Apache5HttpClient.builder().build();
        SqsClient sqs =
            SqsClient.builder()
                .region(region)
                .credentialsProvider(DUMMY_CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(STOPPED)
                .build()) {
      calls.accept(sqs);
    }
  }

  /** Runs {@code calls} on a throwaway DynamoDB client whose requests never leave the process. */
  public static void dynamoDb(Region region, Consumer<DynamoDbClient> calls) {
    try (SdkHttpClient http = Apache5HttpClient.builder().build();
        DynamoDbClient dynamoDb =
            DynamoDbClient.builder()
                .region(region)
                .credentialsProvider(DUMMY_CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(STOPPED)
                .build()) {
      calls.accept(dynamoDb);
    }
  }

  /**
   * Runs one dry call; its expected end (stopped before transmission) and any other failure are
   * swallowed, since priming is only ever an optimisation.
   */
  public static void dry(String what, Runnable call) {
    try {
      call.run();
      log.warn("event=priming_call_not_stopped call={}", what);
    } catch (RuntimeException e) {
      if (!stoppedByPriming(e)) {
        log.debug("event=priming_call_failed call={} error=\"{}\"", what, e.toString());
      }
    }
  }

  private static boolean stoppedByPriming(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Stopped) {
        return true;
      }
    }
    return false;
  }

  private static final StaticCredentialsProvider DUMMY_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));

  private static final ClientOverrideConfiguration STOPPED =
      ClientOverrideConfiguration.builder()
          .retryStrategy(AwsRetryStrategy.doNotRetry())
          .addExecutionInterceptor(new StopBeforeTransmission())
          .build();

  /** Ends every call after signing, before anything is sent. */
  private static final class StopBeforeTransmission implements ExecutionInterceptor {
    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
      throw new Stopped();
    }
  }

  /** The end of a dry call. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("stopped before transmission (SnapStart priming)", null, false, false);
    }
  }
}
