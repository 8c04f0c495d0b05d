package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.queue.InvalidJobException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fenceq} command line: run fenceq locally, enqueue jobs, inspect leases and the ring,
 * operate the dead-letter queue.
 */
@Command(
    name = "fenceq",
    mixinStandardHelpOptions = true,
    versionProvider = FenceqCli.Version.class,
    description = "Fenced work queues for AWS: enqueue instead of lock.",
    subcommands = {
      DemoCommand.class,
      LocalCommand.class,
      WorkerCommand.class,
      EnqueueCommand.class,
      LeasesCommand.class,
      ConsoleCommand.class,
      DlqCommand.class,
      RingCommand.class,
      ReshardCommand.class
    })
public final class FenceqCli {
  /** Exit code for a failure of the work itself (a job not enqueued, an endpoint down). */
  public static final int EXIT_FAILURE = 1;

  /** Exit code for bad input: an unknown option, an invalid key or payload. */
  public static final int EXIT_USAGE = 2;

  public static void main(String[] args) {
    int code;
    try {
      code = commandLine().execute(args);
    } catch (Error e) {
      // picocli hands only exceptions to the handler; an error (a broken classpath, out of memory)
      // must still end the process, which the embedded servers' threads would otherwise keep up.
      System.err.println(
          "fenceq: error: "
              + e
              + ("1".equals(System.getenv("FENCEQ_DEBUG"))
                  ? ""
                  : " (FENCEQ_DEBUG=1 shows the stack trace)"));
      if ("1".equals(System.getenv("FENCEQ_DEBUG"))) {
        e.printStackTrace();
      }
      code = EXIT_FAILURE;
    }
    // Embedded servers leave non-daemon threads behind; the CLI's end is the process's end.
    System.exit(code);
  }

  /** The configured command line, also used by tests to run commands in-process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FenceqCli());
    cli.setExecutionExceptionHandler(FenceqCli::report);
    cli.setParameterExceptionHandler(FenceqCli::reportBadArguments);
    return cli;
  }

  /** One clear line instead of a stack trace; {@code FENCEQ_DEBUG=1} adds the trace. */
  private static int report(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
    String command = cli.getCommandSpec().qualifiedName();
    boolean badInput = e instanceof IllegalArgumentException || e instanceof InvalidJobException;
    boolean known = e instanceof FenceqException || badInput;
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    cli.getErr().println(cli.getColorScheme().errorText(prefix(command) + "error: " + message));
    if ("1".equals(System.getenv("FENCEQ_DEBUG"))) {
      e.printStackTrace(cli.getErr());
    } else if (!known) {
      cli.getErr()
          .println(
              prefix(command)
                  + "("
                  + e.getClass().getName()
                  + "; set FENCEQ_DEBUG=1 for the stack trace)");
    }
    return badInput ? EXIT_USAGE : EXIT_FAILURE;
  }

  /**
   * A bad option or argument: the error, a suggestion when picocli has a close match, and where the
   * usage is, instead of the whole usage text.
   */
  private static int reportBadArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    String command = cli.getCommandSpec().qualifiedName();
    PrintWriter err = cli.getErr();
    err.println(cli.getColorScheme().errorText(prefix(command) + "error: " + e.getMessage()));
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        err.println(prefix(command) + "did you mean " + String.join(" or ", suggestions) + "?");
      }
    }
    err.println(prefix(command) + "run '" + command + " --help' for usage");
    err.flush();
    return EXIT_USAGE;
  }

  private static String prefix(String command) {
    return command + ": ";
  }

  /** Reads the version Maven wrote into the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FenceqCli.class.getPackage().getImplementationVersion();
      return new String[] {"fenceq " + (v == null ? "(development build)" : v)};
    }
  }
}
