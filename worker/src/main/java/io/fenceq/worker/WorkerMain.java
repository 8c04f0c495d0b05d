package io.fenceq.worker;

import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.consumer.HandlerFactories;
import io.fenceq.consumer.HandlerFactory;
import io.fenceq.consumer.HandlerResources;
import io.fenceq.engine.ShutdownReport;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The ECS worker's entry point: a {@link Worker} configured from the environment ({@link
 * ConsumerConfig#fromEnvironment}) and the handlers {@code FENCEQ_HANDLER} names, with AWS
 * endpoints, region and credentials from the SDK's own conventions ({@code AWS_REGION}, {@code
 * AWS_ENDPOINT_URL_SQS}, the task role, ...), running until SIGTERM or SIGINT.
 *
 * <p>The first signal stops it gracefully ({@link Worker#shutdown()}) and the process exits 0; a
 * second signal exits at once with status {@value StopSignals#FORCED_EXIT_STATUS} (the messages of
 * running lanes then come back after their visibility timeout). A bad setting exits 2 with one line
 * naming it; a failure to start exits 1.
 */
public final class WorkerMain {
  /**
   * {@code true} to publish the worker's throughput to the lease table's stats items for {@code
   * fenceq console} ({@code Worker.Builder.publishStats}); {@code false} by default. Read like
   * every {@code FENCEQ_*} flag, by {@link ConsumerConfig#flag}.
   */
  public static final String STATS = "FENCEQ_STATS";

  /** Exit status of a clean stop. */
  public static final int EXIT_OK = 0;

  /** Exit status when the worker could not start or did not stop cleanly. */
  public static final int EXIT_FAILURE = 1;

  /** Exit status of a bad setting. */
  public static final int EXIT_USAGE = 2;

  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) {
    // The SDK's HTTP client and DynamoDB Local (in local runs) leave non-daemon threads behind.
    System.exit(run(System.getenv(), new PrintWriter(System.err, true)));
  }

  /**
   * Runs a worker configured by {@code environment} until a stop signal, and returns the exit
   * status. Errors are one line on {@code err}, prefixed {@code fenceq worker: error:}.
   */
  public static int run(Map<String, String> environment, PrintWriter err) {
    boolean stats;
    ConsumerConfig config;
    HandlerFactory factory;
    try {
      stats = ConsumerConfig.flag(STATS, environment.get(STATS));
      config = ConsumerConfig.fromEnvironment(environment);
      factory = HandlerFactories.load(config);
    } catch (ConsumerConfigException e) {
      say(err, "error: " + e.getMessage());
      return EXIT_USAGE;
    }
    try (SqsClient sqs = AwsClients.sqs(AwsClients.Target.fromEnvironment());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(AwsClients.Target.fromEnvironment());
        // Only a worker with a large-payload bucket talks to S3.
        S3Client s3 =
            config.payloadBucket().isPresent()
                ? AwsClients.s3(AwsClients.Target.fromEnvironment())
                : null) {
      Worker worker =
          Worker.builder()
              .config(config)
              .sqs(sqs)
              .dynamoDb(dynamoDb)
              .s3(s3)
              .publishStats(stats)
              .handlers(
                  HandlerFactories.handlers(
                      factory, new HandlerResources(config, environment, dynamoDb, sqs)))
              .build();
      return runUntilStopped(worker, err);
    } catch (ConsumerConfigException e) {
      say(err, "error: " + e.getMessage());
      return EXIT_USAGE;
    } catch (SdkClientException e) {
      // Missing region or credentials, an unreachable endpoint.
      say(err, "error: AWS client error: " + clientError(e));
      log.debug("event=worker_start_failed", e);
      return EXIT_FAILURE;
    } catch (FenceqException | SdkException | IllegalArgumentException e) {
      say(err, "error: " + e.getMessage());
      log.debug("event=worker_start_failed", e);
      return EXIT_FAILURE;
    }
  }

  /**
   * Starts {@code worker}, stops it on the first SIGTERM or SIGINT (or when the JVM shuts down for
   * another reason), and waits until it has stopped.
   */
  static int runUntilStopped(Worker worker, PrintWriter err) {
    StopSignals.install(
        worker::shutdown,
        () ->
            say(
                err,
                "second signal, exiting now; messages of running lanes come back after their"
                    + " visibility timeout"));
    // Also stop on any other JVM shutdown (System.exit elsewhere, or signals not installable).
    Thread hook = Thread.ofPlatform().name("fenceq-worker-shutdown-hook").unstarted(worker::close);
    Runtime.getRuntime().addShutdownHook(hook);
    worker.start();
    try {
      ShutdownReport report = worker.stopped().get();
      say(
          err,
          "stopped"
              + (report.forced()
                  ? " (the grace period ran out: "
                      + report.lanesAbandoned()
                      + " lanes abandoned, their messages given back)"
                  : "")
              + "; "
              + worker.progress());
      return EXIT_OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_FAILURE;
    } catch (ExecutionException e) {
      say(err, "error: the worker did not stop cleanly: " + e.getCause());
      return EXIT_FAILURE;
    } finally {
      removeHook(hook);
    }
  }

  /** The SDK's message, without the provider chain it lists when no region is found. */
  static String clientError(SdkClientException e) {
    String message = String.valueOf(e.getMessage());
    if (message.startsWith("Unable to load region")) {
      return "no AWS region: set AWS_REGION (or a profile's region)";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static void say(PrintWriter err, String line) {
    err.println("fenceq worker: " + line);
    err.flush();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook finds the worker stopped.
    }
  }
}
