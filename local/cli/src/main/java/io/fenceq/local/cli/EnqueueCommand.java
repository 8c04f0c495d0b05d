package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.EnqueueFailure;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.queue.LargePayloads;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.ring.HashRing;
import io.fenceq.stats.StatsPublisher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code fenceq enqueue}: sends jobs to the work queue named by the environment or options. */
@Command(
    name = "enqueue",
    mixinStandardHelpOptions = true,
    description = {
      "Enqueues jobs for a key on the FIFO work queue.",
      "Endpoints, region and credentials come from the standard AWS environment variables"
          + " (AWS_ENDPOINT_URL_SQS, AWS_REGION, ...); `fenceq local` prints them."
    })
final class EnqueueCommand implements Callable<Integer> {
  /** Results are printed one line a job up to this count, then summarized. */
  private static final int PRINT_EACH_UP_TO = 20;

  private static final int CHUNK = 500;

  @Spec CommandSpec spec;

  @Option(names = "--key", required = true, description = "The key to serialize on (e.g. sku-42).")
  String key;

  @Option(names = "--type", required = true, description = "The job type (e.g. reserve).")
  String type;

  @Option(
      names = "--payload",
      defaultValue = "{}",
      description = "The JSON payload (default: ${DEFAULT-VALUE}).")
  String payload;

  @Option(
      names = "--payload-file",
      description =
          "Read the JSON payload from this file instead of --payload (payloads past the"
              + " command line's limit; those past the queue's go through S3).")
  Path payloadFile;

  @Option(
      names = "--payload-bucket",
      defaultValue = "${env:FENCEQ_PAYLOAD_BUCKET}",
      description =
          "The S3 bucket of large payloads (default: $FENCEQ_PAYLOAD_BUCKET); without one a"
              + " job must fit in one message.")
  String payloadBucket;

  @Option(
      names = "--count",
      defaultValue = "1",
      description = "How many copies of the job to enqueue, in order (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--job-id",
      description = "Deduplication id (only with --count 1; generated when absent).")
  String jobId;

  @Option(
      names = "--queue-url",
      defaultValue = "${env:FENCEQ_QUEUE_URL}",
      description = "The FIFO work queue (default: $FENCEQ_QUEUE_URL).")
  String queueUrl;

  @Option(
      names = "--lease-table",
      defaultValue = "${env:FENCEQ_LEASE_TABLE}",
      description =
          "Counts the enqueued jobs per lane in this lease table's stats items, for the lane"
              + " backlog of fenceq console, and holds the ring's epoch for --ring-epochs"
              + " (default: $FENCEQ_LEASE_TABLE; none: not counted).")
  String leaseTable;

  @Option(
      names = "--ring-epochs",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "Follow the ring's epoch in the lease table, as consumers with FENCEQ_RING_EPOCHS=true"
              + " do: jobs go to the lanes of the current epoch's ring and carry the epoch, so a"
              + " live reshard does not dead-letter them (default: $FENCEQ_RING_EPOCHS, read as"
              + " the consumers read it, or false).")
  // Null unless given (picocli then reads true or false, in any case, as before); when null,
  // FENCEQ_RING_EPOCHS decides by the consumers' rule.
  Boolean ringEpochsOption;

  /** Where {@code FENCEQ_RING_EPOCHS} is read when {@code --ring-epochs} is not given. */
  Map<String, String> environment = System.getenv();

  @Option(
      names = "--lanes",
      defaultValue = "${env:FENCEQ_LANES:-256}",
      description = "Lanes on the ring; must match the consumers (default: $FENCEQ_LANES or 256).")
  int lanes;

  @Override
  public Integer call() {
    if (queueUrl == null || queueUrl.isBlank()) {
      throw new IllegalArgumentException(
          "no queue: pass --queue-url or set FENCEQ_QUEUE_URL (`fenceq local` prints it)");
    }
    if (count < 1) {
      throw new IllegalArgumentException("--count must be at least 1, got " + count);
    }
    if (jobId != null && count != 1) {
      throw new IllegalArgumentException("--job-id goes with --count 1 only, got --count " + count);
    }
    String json = payload;
    if (payloadFile != null) {
      try {
        json = Files.readString(payloadFile);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "--payload-file " + payloadFile + " cannot be read: " + e.getMessage());
      }
    }
    JobRequest job = JobRequest.ofJson(key, type, json);
    if (jobId != null) {
      job = job.withJobId(jobId);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean large = payloadBucket != null && !payloadBucket.isBlank();
    boolean counted = leaseTable != null && !leaseTable.isBlank();
    boolean ringEpochs = ringEpochs(ringEpochsOption, environment);
    if (ringEpochs && !counted) {
      // Name what turned epochs on: the option, or the variable when the option was not given.
      String by = ringEpochsOption != null ? "--ring-epochs" : ConsumerConfig.RING_EPOCHS + "=true";
      throw new IllegalArgumentException(
          by
              + " needs the lease table, which holds the ring's epoch: pass --lease-table"
              + " or set FENCEQ_LEASE_TABLE");
    }
    try (SqsClient sqs = AwsClients.sqs(AwsClients.Target.fromEnvironment());
        S3Client s3 = large ? AwsClients.s3(AwsClients.Target.fromEnvironment()) : null;
        DynamoDbClient dynamoDb =
            counted ? AwsClients.dynamoDb(AwsClients.Target.fromEnvironment()) : null;
        // Closed (and so written) before the clients: resources close in reverse order.
        StatsPublisher stats =
            counted
                ? StatsPublisher.builder().dynamoDb(dynamoDb).table(leaseTable).build().start()
                : null) {
      Enqueuer.Builder builder =
          Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(HashRing.of(lanes)).stats(stats);
      if (ringEpochs) {
        // Read at the first job and once per refresh interval after it, never per job.
        builder.ringEpochs(
            new RingConfigTable(dynamoDb, leaseTable.strip(), lanes, Clock.systemUTC()),
            Enqueuer.DEFAULT_EPOCH_REFRESH);
      }
      if (large) {
        builder.largePayloads(LargePayloads.builder().s3(s3).bucket(payloadBucket.strip()).build());
      }
      Enqueuer enqueuer = builder.build();
      if (count == 1) {
        print(out, enqueuer.enqueue(job));
        return 0;
      }
      return enqueueMany(enqueuer, job, out, err);
    } catch (SdkClientException e) {
      // Missing region or credentials, an unreachable endpoint: the SDK's message says which.
      throw new FenceqException("AWS client error: " + e.getMessage(), e);
    }
  }

  private int enqueueMany(Enqueuer enqueuer, JobRequest job, PrintWriter out, PrintWriter err) {
    long start = System.nanoTime();
    int accepted =
        sendInChunks(enqueuer::enqueueAll, job, count, CHUNK, count <= PRINT_EACH_UP_TO, out, err);
    double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    out.printf(
        "enqueued=%d failed=%d key=%s lane=%s jobs_per_s=%.0f%n",
        accepted, count - accepted, key, enqueuer.ring().laneFor(key), accepted / seconds);
    return accepted == count ? 0 : FenceqCli.EXIT_FAILURE;
  }

  /**
   * Whether to follow the ring's epoch: {@code --ring-epochs} when given, else {@code
   * FENCEQ_RING_EPOCHS} read by the consumers' own rule ({@link ConsumerConfig#flag}), so that this
   * producer and the consumers, given the same environment, agree on whether it is on.
   *
   * @throws IllegalArgumentException naming the variable and its value when that is not a flag
   */
  static boolean ringEpochs(Boolean option, Map<String, String> environment) {
    if (option != null) {
      return option;
    }
    try {
      return ConsumerConfig.flag(
          ConsumerConfig.RING_EPOCHS, environment.get(ConsumerConfig.RING_EPOCHS));
    } catch (ConsumerConfigException e) {
      // A bad setting, like a bad option value: the usage exit status.
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Sends {@code count} copies of {@code job} in chunks, in order, and stops at the first chunk
   * that was not taken whole: every copy is of the same key, and a copy sent after one that failed
   * would run before it.
   *
   * @return how many jobs were accepted; every other one is reported on {@code err}
   */
  static int sendInChunks(
      Function<List<JobRequest>, BatchEnqueueResult> send,
      JobRequest job,
      int count,
      int chunk,
      boolean printEach,
      PrintWriter out,
      PrintWriter err) {
    int accepted = 0;
    List<EnqueueFailure> failures = new ArrayList<>();
    int done = 0;
    while (done < count && failures.isEmpty()) {
      int n = Math.min(chunk, count - done);
      BatchEnqueueResult result = send.apply(Collections.nCopies(n, job));
      if (printEach) {
        result.accepted().forEach(r -> print(out, r));
      }
      accepted += result.accepted().size();
      failures.addAll(result.failed());
      done += n;
      if (!printEach) {
        err.printf("fenceq enqueue: %d/%d jobs sent%n", done, count);
        err.flush();
      }
    }
    for (EnqueueFailure f : failures) {
      err.printf(
          "fenceq enqueue: job %s key=%s lane=%s not enqueued: %s: %s%n",
          f.jobId(), f.key(), f.lane(), f.code(), f.reason());
    }
    if (done < count) {
      EnqueueFailure first = failures.get(0);
      err.printf(
          "fenceq enqueue: the other %d jobs of key %s not sent: job %s failed before them (%s),"
              + " and they would run before it%n",
          count - done, first.key(), first.jobId(), first.code());
    }
    err.flush();
    return accepted;
  }

  private static void print(PrintWriter out, EnqueueResult r) {
    out.printf(
        "enqueued jobId=%s key=%s lane=%s seq=%s%n",
        r.jobId(), r.key(), r.lane(), r.sequenceNumber());
  }
}
