package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.dlq.DeadLetter;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fenceq dlq show JOB_ID}: one dead-lettered job in full. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Shows one job in the dead-letter queue in full: envelope, payload, reason and attributes.",
      "A malformed job is shown by its bracketed message id, as `list` prints it."
    })
final class DlqShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DlqOptions options;

  @Parameters(paramLabel = "JOB_ID", description = "The job id, as `fenceq dlq list` prints it.")
  String jobId;

  @Override
  public Integer call() {
    DlqCommandOutput output = DlqCommandOutput.of(spec);
    return DlqCommand.withClients(
        options,
        false,
        clients -> {
          DeadLetter job =
              clients
                  .deadLetters(options, false, output)
                  .inspect(jobId)
                  .orElseThrow(
                      () ->
                          new FenceqException(
                              "no job "
                                  + jobId
                                  + " at the head of a lane in dead-letter queue "
                                  + options.dlqUrl));
          print(output.out(), job);
          return 0;
        });
  }

  static void print(PrintWriter out, DeadLetter job) {
    String format = "%-18s %s%n";
    out.printf(format, "jobId", job.jobId());
    out.printf(format, "key", job.key().orElse("-"));
    out.printf(format, "type", job.type().orElse("-"));
    out.printf(format, "enqueuedAt", job.enqueuedAt().map(Object::toString).orElse("-"));
    out.printf(
        format,
        "attempts",
        job.attempts().isPresent() ? Integer.toString(job.attempts().getAsInt()) : "-");
    out.printf(format, "reason", job.reason());
    out.printf(format, "lane", job.group());
    out.printf(format, "sourceQueue", job.sourceQueue().orElse("-"));
    out.printf(format, "dlqMessageId", job.messageId());
    out.printf(format, "dlqSequence", job.sequenceNumber());
    for (Map.Entry<String, String> a : job.attributes().entrySet()) {
      if (!a.getKey().equals(DeadLetter.REASON_ATTRIBUTE)
          && !a.getKey().equals(DeadLetter.SOURCE_QUEUE_ATTRIBUTE)) {
        out.printf(format, "attribute", a.getKey() + "=" + a.getValue());
      }
    }
    if (job.problem() != null) {
      out.printf(format, "malformed", job.problem());
      out.printf(format, "body", job.body());
    } else {
      out.printf(format, "payload", job.envelope().payload().toPrettyString());
    }
  }
}
