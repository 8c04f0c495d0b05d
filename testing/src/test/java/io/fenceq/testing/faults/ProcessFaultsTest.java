package io.fenceq.testing.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fenceq.local.LocalAws;
import io.fenceq.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Signals to child processes, observed in Linux's {@code /proc/<pid>/stat} state letter. */
class ProcessFaultsTest {
  private final ProcessFaults faults = new ProcessFaults();

  /** R running, S sleeping, T stopped; '?' once gone. */
  private static char state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2);
    } catch (IOException e) {
      return '?';
    }
  }

  private static void assumeLinuxWithKill() {
    assumeThat(Files.isDirectory(Path.of("/proc/self"))).as("/proc").isTrue();
    assumeThat(ProcessFaults.killProgram()).as("kill program").isPresent();
  }

  @Test
  void aProcessIsStoppedContinuedAndKilled() throws Exception {
    assumeLinuxWithKill();
    Process sleep = new ProcessBuilder("sleep", "600").start();
    try {
      faults.stop(sleep.pid());
      Eventually.until("stopped", () -> state(sleep.pid()) == 'T');

      faults.cont(sleep.pid());
      Eventually.until("running again", () -> state(sleep.pid()) != 'T');
      assertThat(sleep.isAlive()).isTrue();

      faults.stop(sleep.pid());
      Eventually.until("stopped again", () -> state(sleep.pid()) == 'T');
      faults.kill9(sleep.toHandle()).get(60, TimeUnit.SECONDS);

      assertThat(sleep.waitFor()).as("128 + SIGKILL").isEqualTo(137);
      assertThat(faults.stops()).isEqualTo(2);
      assertThat(faults.continues()).isEqualTo(1);
      assertThat(faults.kills()).isEqualTo(1);
    } finally {
      sleep.destroyForcibly();
    }
  }

  @Test
  void signallingAProcessThatIsGoneNamesItAndTheFailure() throws Exception {
    assumeLinuxWithKill();
    Process done = new ProcessBuilder("true").start();
    done.waitFor();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> faults.stop(done.pid()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("-STOP " + done.pid() + " failed with status");
    assertThat(faults.stops()).isZero();
  }

  @Test
  void aWorkerJvmStartsFromTheEnvironmentAndCanBeFrozenAndKilled() throws Exception {
    assumeLinuxWithKill();
    try (LocalAws aws = LocalAws.builder().start();
        WorkerJvm worker =
            WorkerJvm.builder()
                .name("jvm-under-test")
                .environment(aws.environment())
                .outputDirectory(Path.of("target"))
                .start()) {
      Eventually.until(
          "the worker started:\n" + worker.outputFile(),
          () -> worker.workerId().isPresent() || !worker.alive());
      assertThat(worker.workerId()).as(worker.output()).isPresent();

      faults.stop(worker.pid());
      Eventually.until("stopped", () -> state(worker.pid()) == 'T');
      faults.cont(worker.pid());
      Eventually.until("running again", () -> state(worker.pid()) != 'T');

      faults.kill9(worker.handle()).get(60, TimeUnit.SECONDS);
      assertThat(worker.awaitExit(Duration.ofSeconds(60))).isEqualTo(137);
      assertThat(worker.output()).doesNotContain("event=worker_stopped");
    }
  }
}
