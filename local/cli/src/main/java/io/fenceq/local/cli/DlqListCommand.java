package io.fenceq.local.cli;

import io.fenceq.dlq.DeadLetter;
import io.fenceq.dlq.DeadLetters;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fenceq dlq list}: the dead-lettered jobs, one a line. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the jobs in the dead-letter queue: job id, key, type, attempts, enqueue time, lane"
          + " and reason.",
      "Shows the head of every lane (up to ten jobs a lane, as SQS returns them): SQS delivers no"
          + " later job of a lane while an earlier one is held. The last line compares what was"
          + " listed with SQS's count."
    })
final class DlqListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DlqOptions options;

  @Override
  public Integer call() {
    DlqCommandOutput output = DlqCommandOutput.of(spec);
    return DlqCommand.withClients(
        options,
        false,
        clients -> {
          DeadLetters dlq = clients.deadLetters(options, false, output);
          List<DeadLetter> jobs = dlq.list();
          print(output.out(), jobs, dlq.approximateCount(), dlq.deadLetterQueueUrl());
          return 0;
        });
  }

  static void print(PrintWriter out, List<DeadLetter> jobs, long approximate, String queueUrl) {
    String format = "%-38s %-20s %-12s %8s %-24s %-10s %s%n";
    out.printf(format, "JOB ID", "KEY", "TYPE", "ATTEMPTS", "ENQUEUED", "LANE", "REASON");
    for (DeadLetter j : jobs) {
      out.printf(
          format,
          j.jobId(),
          j.key().orElse("-"),
          j.type().orElse("-"),
          j.attempts().isPresent() ? Integer.toString(j.attempts().getAsInt()) : "-",
          j.enqueuedAt().map(t -> t.truncatedTo(ChronoUnit.MILLIS).toString()).orElse("-"),
          j.group(),
          oneLine(j.problem() != null ? "malformed: " + j.problem() : j.reason()));
    }
    out.printf(
        "%d jobs listed, about %d in dead-letter queue %s (read, then given back)%n",
        jobs.size(), Math.max(approximate, jobs.size()), queueUrl);
  }

  private static String oneLine(String s) {
    String flat = s.replaceAll("\\s+", " ");
    return flat.length() <= 120 ? flat : flat.substring(0, 119) + "…";
  }
}
