package io.fenceq.local.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/** Where a {@code fenceq dlq} command writes: results on out, progress and problems on err. */
record DlqCommandOutput(String command, PrintWriter out, PrintWriter err) {
  static DlqCommandOutput of(CommandSpec spec) {
    return new DlqCommandOutput(
        spec.qualifiedName(), spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
