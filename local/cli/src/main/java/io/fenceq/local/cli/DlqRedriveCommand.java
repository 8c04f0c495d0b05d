package io.fenceq.local.cli;

import io.fenceq.dlq.DeadLetter;
import io.fenceq.dlq.DeadLetters;
import io.fenceq.dlq.RedriveReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fenceq dlq redrive}: dead-lettered jobs back to the work queue, in order per key. */
@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    description = {
      "Sends dead-lettered jobs back to the work queue, on their key's lane by the current ring"
          + " (--lanes), in enqueue order per key, deleting each from the dead-letter queue only"
          + " after the send succeeded.",
      "A key that may still have jobs on the work queue (visible, or in flight on a leased lane)"
          + " is reported and left alone, since its dead-lettered jobs would run after later ones;"
          + " --force redrives it anyway.",
      "Asks before changing anything unless --yes; --dry-run only reports."
    })
final class DlqRedriveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin DlqOptions options;

  @ArgGroup(exclusive = true, multiplicity = "1")
  DlqSelection selection;

  @Option(names = "--dry-run", description = "Report what would be redriven; change nothing.")
  boolean dryRun;

  @Option(names = "--yes", description = "Do not ask for confirmation.")
  boolean yes;

  @Option(
      names = "--force",
      description = "Redrive keys that may still have jobs on the work queue (may reorder them).")
  boolean force;

  @Override
  public Integer call() {
    DlqCommandOutput output = DlqCommandOutput.of(spec);
    return DlqCommand.withClients(
        options,
        true,
        clients -> {
          DeadLetters dlq = clients.deadLetters(options, true, output);
          if (!dryRun && !yes) {
            RedriveReport plan = dlq.redrive(selection.selection(), true, force);
            print(output, plan);
            if (plan.redriven().isEmpty()) {
              return plan.complete() ? 0 : FenceqCli.EXIT_FAILURE;
            }
            if (!Confirmation.ask(
                output.out(),
                "Redrive "
                    + plan.redriven().size()
                    + " jobs (and any behind them in their lanes) to "
                    + options.queueUrl
                    + "?")) {
              output.out().println("nothing redriven");
              return FenceqCli.EXIT_FAILURE;
            }
          }
          RedriveReport report = dlq.redrive(selection.selection(), dryRun, force);
          print(output, report);
          return report.complete() ? 0 : FenceqCli.EXIT_FAILURE;
        });
  }

  static void print(DlqCommandOutput output, RedriveReport report) {
    PrintWriter out = output.out();
    String verb = report.dryRun() ? "would redrive" : "redriven";
    for (RedriveReport.Redriven r : report.redriven()) {
      out.printf(
          "%s %s to=%s%s%n",
          verb,
          DlqCommand.line(r.job()),
          r.lane(),
          r.sequenceNumber() == null ? "" : " seq=" + r.sequenceNumber());
    }
    PrintWriter err = output.err();
    for (RedriveReport.RefusedKey k : report.refused()) {
      err.printf(
          "%s: refused key=%s lane=%s jobs=%d: %s (wait for it to drain, or --force)%n",
          output.command(), k.key(), k.lane(), k.jobs(), k.why());
    }
    for (RedriveReport.Failure f : report.failed()) {
      err.printf("%s: failed %s: %s%n", output.command(), DlqCommand.line(f.job()), f.why());
    }
    for (DeadLetter d : report.unroutable()) {
      err.printf(
          "%s: not redriven %s: malformed, no key to route by: %s%n",
          output.command(), d.jobId(), d.problem());
    }
    err.flush();
    out.printf(
        "%s=%d refused_keys=%d failed=%d malformed=%d%s%n",
        report.dryRun() ? "would_redrive" : "redriven",
        report.redriven().size(),
        report.refused().size(),
        report.failed().size(),
        report.unroutable().size(),
        report.dryRun() ? " (dry run: nothing changed)" : "");
    out.flush();
  }
}
