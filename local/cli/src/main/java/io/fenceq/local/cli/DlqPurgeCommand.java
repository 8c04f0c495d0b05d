package io.fenceq.local.cli;

import io.fenceq.dlq.DeadLetter;
import io.fenceq.dlq.DeadLetters;
import io.fenceq.dlq.PurgeReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fenceq dlq purge}: deletes dead-lettered jobs for good. */
@Command(
    name = "purge",
    mixinStandardHelpOptions = true,
    description = {
      "Deletes jobs from the dead-letter queue for good.",
      "Asks before deleting unless --yes; --dry-run only reports."
    })
final class DlqPurgeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DlqOptions options;

  @ArgGroup(exclusive = true, multiplicity = "1")
  DlqSelection selection;

  @Option(names = "--dry-run", description = "Report what would be deleted; delete nothing.")
  boolean dryRun;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Override
  public Integer call() {
    DlqCommandOutput output = DlqCommandOutput.of(spec);
    return DlqCommand.withClients(
        options,
        false,
        clients -> {
          DeadLetters dlq = clients.deadLetters(options, false, output);
          if (!dryRun && !yes) {
            PurgeReport plan = dlq.purge(selection.selection(), true);
            print(output, plan);
            if (plan.purged().isEmpty()) {
              return 0;
            }
            if (!Confirmation.ask(
                output.out(),
                "Delete "
                    + plan.purged().size()
                    + " jobs (and any behind them in their lanes) from "
                    + dlq.deadLetterQueueUrl()
                    + " for good?")) {
              output.out().println("nothing purged");
              return FenceqCli.EXIT_FAILURE;
            }
          }
          PurgeReport report = dlq.purge(selection.selection(), dryRun);
          print(output, report);
          return report.failed().isEmpty() ? 0 : FenceqCli.EXIT_FAILURE;
        });
  }

  static void print(DlqCommandOutput output, PurgeReport report) {
    String verb = report.dryRun() ? "would purge" : "purged";
    for (DeadLetter d : report.purged()) {
      output.out().printf("%s %s%n", verb, DlqCommand.line(d));
    }
    for (String f : report.failed()) {
      output.err().printf("%s: failed: %s%n", output.command(), f);
    }
    output.err().flush();
    output
        .out()
        .printf(
            "%s=%d failed=%d%s%n",
            report.dryRun() ? "would_purge" : "purged",
            report.purged().size(),
            report.failed().size(),
            report.dryRun() ? " (dry run: nothing changed)" : "");
    output.out().flush();
  }
}
