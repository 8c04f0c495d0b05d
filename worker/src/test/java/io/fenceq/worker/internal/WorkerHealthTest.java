package io.fenceq.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerHealthTest {
  @TempDir Path dir;

  private ConsumerConfig config(Path healthFile, int threshold) {
    return ConsumerConfig.builder()
        .queueUrl("http://127.0.0.1:9324/000000000000/work.fifo")
        .leaseTable("leases")
        .healthFile(healthFile)
        .unhealthyWrittenOffThreads(threshold)
        .build();
  }

  @Test
  void theFileExistsFromTheStartUntilTheThresholdOfWrittenOffThreads() {
    Path file = dir.resolve("health/fenceq-healthy");
    WorkerHealth health = new WorkerHealth(config(file, 2), "w-1");

    health.started();
    assertThat(file).exists().content().contains("healthy worker=w-1");
    health.threadWrittenOff();
    assertThat(health.healthy()).isTrue();
    assertThat(file).exists();
    health.threadWrittenOff();
    assertThat(health.healthy()).isFalse();
    assertThat(file).doesNotExist();
    health.threadWrittenOff();
    assertThat(health.healthy()).as("unhealthy for good").isFalse();
    assertThat(health.threadsWrittenOff()).isEqualTo(3);
  }

  @Test
  void withoutAFileHealthIsStillTracked() {
    WorkerHealth health = new WorkerHealth(config(null, 1), "w-1");

    health.started();
    health.threadWrittenOff();

    assertThat(health.healthy()).isFalse();
  }

  @Test
  void aFileThatCannotBeWrittenStopsTheStartInOneLineNamingIt() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("plain"), "x");
    Path file = notADirectory.resolve("fenceq-healthy");
    WorkerHealth health = new WorkerHealth(config(file, 1), "w-1");

    assertThatThrownBy(health::started)
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageStartingWith("FENCEQ_HEALTH_FILE " + file + " cannot be written: ")
        .hasMessageNotContaining("\n");
  }
}
