package io.fenceq.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerMainTest {
  @Test
  void aBadSettingExitsTwoWithOneLineNamingIt() {
    StringWriter err = new StringWriter();

    int status =
        WorkerMain.run(
            Map.of(
                "FENCEQ_QUEUE_URL", "http://127.0.0.1:9324/000000000000/q.fifo",
                "FENCEQ_LEASE_TABLE", "leases",
                "FENCEQ_SHUTDOWN_SECONDS", "soon"),
            new PrintWriter(err));

    assertThat(status).isEqualTo(WorkerMain.EXIT_USAGE);
    assertThat(err.toString())
        .isEqualTo(
            "fenceq worker: error: FENCEQ_SHUTDOWN_SECONDS must be a whole number, got \"soon\""
                + System.lineSeparator());
  }

  @Test
  void aStatsSettingOtherThanTrueOrFalseExitsTwoNamingIt() {
    StringWriter err = new StringWriter();

    int status =
        WorkerMain.run(
            Map.of(
                "FENCEQ_QUEUE_URL",
                "http://127.0.0.1:9324/000000000000/q.fifo",
                "FENCEQ_LEASE_TABLE",
                "leases",
                WorkerMain.STATS,
                "yes"),
            new PrintWriter(err));

    assertThat(status).isEqualTo(WorkerMain.EXIT_USAGE);
    assertThat(err.toString())
        .isEqualTo(
            "fenceq worker: error: FENCEQ_STATS must be true or false, got \"yes\""
                + System.lineSeparator());
  }

  /**
   * The stats setting is read by the rule of every {@code FENCEQ_*} flag: blank is off, and the
   * value is stripped. The worker then goes on to the next setting it lacks, the handler.
   */
  @Test
  void aBlankOrPaddedStatsSettingIsReadAsEveryFlagIs() {
    for (String value : new String[] {"", " ", " true\n", "false "}) {
      StringWriter err = new StringWriter();

      int status =
          WorkerMain.run(
              Map.of(
                  "FENCEQ_QUEUE_URL",
                  "http://127.0.0.1:9324/000000000000/q.fifo",
                  "FENCEQ_LEASE_TABLE",
                  "leases",
                  WorkerMain.STATS,
                  value),
              new PrintWriter(err));

      assertThat(status).as("FENCEQ_STATS=%s", value).isEqualTo(WorkerMain.EXIT_USAGE);
      assertThat(err.toString())
          .as("FENCEQ_STATS=%s", value)
          .startsWith("fenceq worker: error: FENCEQ_HANDLER is required")
          .hasLineCount(1);
    }
  }

  @Test
  void anUnknownHandlerClassIsReportedBeforeAnyAwsSetUp() {
    StringWriter err = new StringWriter();

    int status =
        WorkerMain.run(
            Map.of(
                "FENCEQ_QUEUE_URL", "http://127.0.0.1:9324/000000000000/q.fifo",
                "FENCEQ_LEASE_TABLE", "leases",
                "FENCEQ_HANDLER", "com.example.Nope"),
            new PrintWriter(err));

    assertThat(status).isEqualTo(WorkerMain.EXIT_USAGE);
    assertThat(err.toString())
        .startsWith("fenceq worker: error: FENCEQ_HANDLER names com.example.Nope")
        .hasLineCount(1);
  }

  @Test
  void withoutAHandlerClassItRefusesToStartNamingTheVariable() {
    StringWriter err = new StringWriter();

    int status =
        WorkerMain.run(
            Map.of(
                "FENCEQ_QUEUE_URL", "http://127.0.0.1:9324/000000000000/q.fifo",
                "FENCEQ_LEASE_TABLE", "leases"),
            new PrintWriter(err));

    assertThat(status).isEqualTo(WorkerMain.EXIT_USAGE);
    assertThat(err.toString())
        .startsWith("fenceq worker: error: FENCEQ_HANDLER is required: set it to your")
        .contains("io.fenceq.examples.inventory.InventoryHandlers")
        .hasLineCount(1);
  }

  @Test
  void theSettlingReserveIsAFifthOfTheTimeoutAtMostFiveSeconds() {
    assertThat(Worker.settleReserve(java.time.Duration.ofSeconds(30)))
        .isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(Worker.settleReserve(java.time.Duration.ofSeconds(10)))
        .isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(Worker.settleReserve(java.time.Duration.ZERO)).isZero();
  }
}
