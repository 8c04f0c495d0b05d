package io.fenceq.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What a user sees after a typo or when the ports are taken: a line or two, never the usage. */
class BadArgumentsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    var cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void anUnknownOptionIsOneErrorLineAndWhereTheUsageIs() {
    assertThat(run("demo", "--bogus")).isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq demo: error: Unknown option: '--bogus'",
            "fenceq demo: run 'fenceq demo --help' for usage");
  }

  @Test
  void aNearMissSuggestsTheOptionMeant() {
    assertThat(run("demo", "--job", "5")).isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq demo: error: Unknown options: '--job', '5'",
            "fenceq demo: did you mean --jobs?",
            "fenceq demo: run 'fenceq demo --help' for usage");
  }

  @Test
  void aReshardOutsideTheRingIsOneErrorLine() {
    assertThat(run("demo", "--reshard-to", "0")).isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly("fenceq demo: error: --reshard-to must be between 1 and 10000, got 0");
  }

  @Test
  void aMistypedCommandSuggestsTheCommand() {
    assertThat(run("dmo")).isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq: error: Unmatched argument at index 0: 'dmo'",
            "fenceq: did you mean demo?",
            "fenceq: run 'fenceq --help' for usage");
  }

  @Test
  void aValueOfTheWrongTypeNamesTheOption() {
    assertThat(run("demo", "--jobs", "abc")).isEqualTo(FenceqCli.EXIT_USAGE);

    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq demo: error: Invalid value for option '--jobs': 'abc' is not an int",
            "fenceq demo: run 'fenceq demo --help' for usage");
  }

  @Test
  void aTakenSqsPortIsOneLineNamingTheOptionThatMovesIt() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();

      assertThat(run("local", "--sqs-port", Integer.toString(port), "--dynamodb-port", "0"))
          .isEqualTo(FenceqCli.EXIT_FAILURE);

      assertThat(out.toString()).isEmpty();
      assertThat(err.toString().lines())
          .containsExactly(
              "fenceq local: error: SQS port "
                  + port
                  + " is already in use (another fenceq local?); stop it, or pass --sqs-port"
                  + " <port>, or --sqs-port 0 for any free port");
    }
  }

  @Test
  void aTakenDynamoDbPortIsOneLineNamingTheOptionThatMovesIt() throws IOException {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();

      assertThat(run("local", "--sqs-port", "0", "--dynamodb-port", Integer.toString(port)))
          .isEqualTo(FenceqCli.EXIT_FAILURE);

      assertThat(err.toString().lines())
          .containsExactly(
              "fenceq local: error: DynamoDB port "
                  + port
                  + " is already in use (another fenceq local?); stop it, or pass"
                  + " --dynamodb-port <port>, or --dynamodb-port 0 for any free port");
    }
  }
}
