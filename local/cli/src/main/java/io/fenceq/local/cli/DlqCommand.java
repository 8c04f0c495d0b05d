package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.dlq.DeadLetter;
import io.fenceq.dlq.DeadLetters;
import java.util.function.Function;
import picocli.CommandLine.Command;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** {@code fenceq dlq}: the dead-letter queue's jobs, listed, shown, redriven or purged. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    subcommands = {
      DlqListCommand.class,
      DlqShowCommand.class,
      DlqRedriveCommand.class,
      DlqPurgeCommand.class
    },
    description = {
      "Lists, shows, redrives and purges the jobs in the FIFO dead-letter queue.",
      "Reading a FIFO queue means receiving: every command holds what it read for a short"
          + " visibility (--read-visibility) and gives it back with visibility 0 when done.",
      "Endpoints, region and credentials come from the standard AWS environment variables"
          + " (AWS_ENDPOINT_URL_SQS, AWS_REGION, ...); `fenceq local` prints them. See docs/dlq.md."
    })
final class DlqCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        spec.commandLine(), "name a command: list, show, redrive or purge");
  }

  /**
   * Runs {@code work} on clients from the environment: SQS, and DynamoDB when a lease table is
   * named and {@code withLeases} (a redrive, which also needs the work queue).
   */
  static <T> T withClients(DlqOptions options, boolean withLeases, Function<Clients, T> work) {
    // Missing queues are bad input, told before any client is set up.
    options.requireDlqUrl();
    if (withLeases) {
      options.requireQueueUrl();
    }
    try (SqsClient sqs = AwsClients.sqs(AwsClients.Target.fromEnvironment());
        DynamoDbClient dynamoDb =
            withLeases && options.hasLeaseTable()
                ? AwsClients.dynamoDb(AwsClients.Target.fromEnvironment())
                : null) {
      return work.apply(new Clients(sqs, dynamoDb));
    } catch (SdkClientException e) {
      // Missing region or credentials, an unreachable endpoint: the SDK's message says which.
      throw new FenceqException("AWS client error: " + e.getMessage(), e);
    }
  }

  /** The clients of one command; DynamoDB is null without a lease table. */
  record Clients(SqsClient sqs, DynamoDbClient dynamoDb) {
    DeadLetters deadLetters(DlqOptions options, boolean redrive, DlqCommandOutput output) {
      return options.deadLetters(sqs, dynamoDb, redrive, output.command(), output.err());
    }
  }

  /** One job in a line: what {@code list}, {@code redrive} and {@code purge} print. */
  static String line(DeadLetter job) {
    return String.format(
        "jobId=%s key=%s type=%s attempts=%s enqueuedAt=%s lane=%s",
        job.jobId(),
        job.key().orElse("-"),
        job.type().orElse("-"),
        job.attempts().isPresent() ? Integer.toString(job.attempts().getAsInt()) : "-",
        job.enqueuedAt().map(Object::toString).orElse("-"),
        job.group());
  }
}
