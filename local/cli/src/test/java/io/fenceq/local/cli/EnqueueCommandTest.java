package io.fenceq.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.EnqueueFailure;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnqueueCommandTest {
  private final Lane lane = HashRing.of(8).laneFor("sku-1");
  private final JobRequest job = JobRequest.ofJson("sku-1", "t", "{}");

  @Test
  void stopsSendingTheKeysJobsAfterAChunkThatFailed() {
    List<Integer> chunks = new ArrayList<>();
    StringWriter err = new StringWriter();
    int accepted =
        EnqueueCommand.sendInChunks(
            jobs -> {
              chunks.add(jobs.size());
              // The second chunk: its third job fails, SQS holds back the rest of it.
              return chunks.size() == 2 ? result(jobs.size(), 2) : result(jobs.size(), -1);
            },
            job,
            25,
            10,
            false,
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));

    assertThat(chunks).containsExactly(10, 10);
    assertThat(accepted).isEqualTo(12);
    assertThat(err.toString())
        .contains("job j2 key=sku-1")
        .contains("the other 5 jobs of key sku-1 not sent: job j2 failed before them");
  }

  @Test
  void sendsEveryChunkWhenNoneFails() {
    List<Integer> chunks = new ArrayList<>();
    int accepted =
        EnqueueCommand.sendInChunks(
            jobs -> {
              chunks.add(jobs.size());
              return result(jobs.size(), -1);
            },
            job,
            25,
            10,
            true,
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()));
    assertThat(chunks).containsExactly(10, 10, 5);
    assertThat(accepted).isEqualTo(25);
  }

  @Test
  void followingTheRingsEpochWithoutALeaseTableIsOneLineNamingTheSetting() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));

    int code =
        cli.execute(
            "enqueue",
            "--key",
            "sku-1",
            "--type",
            "t",
            "--queue-url",
            "http://127.0.0.1:1/000000000000/q-work.fifo",
            "--lease-table=",
            "--ring-epochs");

    assertThat(code).isEqualTo(FenceqCli.EXIT_USAGE);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq enqueue: error: --ring-epochs needs the lease table, which holds the ring's"
                + " epoch: pass --lease-table or set FENCEQ_LEASE_TABLE");
  }

  @Test
  void aRingEpochsValueOtherThanTrueOrFalseNamesTheOption() {
    StringWriter err = new StringWriter();
    var cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int code =
        cli.execute(
            "enqueue", "--key", "sku-1", "--type", "t", "--queue-url=x", "--ring-epochs=yes");

    assertThat(code).isEqualTo(FenceqCli.EXIT_USAGE);
    assertThat(err.toString()).contains("--ring-epochs").contains("yes");
  }

  /**
   * FENCEQ_RING_EPOCHS is read by the consumers' rule, so a value the consumers refuse ({@code
   * TRUE}) is refused here too, in one line naming the variable and the value.
   */
  @Test
  void aRingEpochsVariableTheConsumersRefuseIsRefusedNamingIt() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = enqueueWithEnvironment(Map.of(ConsumerConfig.RING_EPOCHS, "TRUE"), out, err);

    int code = cli.execute("enqueue", "--key", "sku-1", "--type", "t", "--queue-url=x");

    assertThat(code).isEqualTo(FenceqCli.EXIT_USAGE);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq enqueue: error: FENCEQ_RING_EPOCHS must be true or false, got \"TRUE\"");
  }

  /** A padded value reads as the consumers read it: on, so the lease table is needed. */
  @Test
  void aPaddedRingEpochsVariableIsOnAsForTheConsumers() {
    StringWriter err = new StringWriter();
    var cli =
        enqueueWithEnvironment(
            Map.of(ConsumerConfig.RING_EPOCHS, " true\n"), new StringWriter(), err);

    int code =
        cli.execute("enqueue", "--key", "sku-1", "--type", "t", "--queue-url=x", "--lease-table=");

    assertThat(code).isEqualTo(FenceqCli.EXIT_USAGE);
    assertThat(err.toString().lines())
        .containsExactly(
            "fenceq enqueue: error: FENCEQ_RING_EPOCHS=true needs the lease table, which holds the"
                + " ring's epoch: pass --lease-table or set FENCEQ_LEASE_TABLE");
  }

  @Test
  void theOptionWinsOverTheVariableAndTheVariableFollowsTheFlagRule() {
    String variable = ConsumerConfig.RING_EPOCHS;
    assertThat(EnqueueCommand.ringEpochs(false, Map.of(variable, "yes"))).isFalse();
    assertThat(EnqueueCommand.ringEpochs(true, Map.of(variable, "false"))).isTrue();
    assertThat(EnqueueCommand.ringEpochs(null, Map.of())).isFalse();
    assertThat(EnqueueCommand.ringEpochs(null, Map.of(variable, ""))).isFalse();
    assertThat(EnqueueCommand.ringEpochs(null, Map.of(variable, " false "))).isFalse();
    assertThat(EnqueueCommand.ringEpochs(null, Map.of(variable, "true"))).isTrue();
    assertThatThrownBy(() -> EnqueueCommand.ringEpochs(null, Map.of(variable, "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("FENCEQ_RING_EPOCHS must be true or false, got \"1\"");
  }

  /** The command line, its enqueue command reading {@code environment} instead of the process's. */
  private static picocli.CommandLine enqueueWithEnvironment(
      Map<String, String> environment, StringWriter out, StringWriter err) {
    var cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    EnqueueCommand enqueue = cli.getSubcommands().get("enqueue").getCommand();
    enqueue.environment = environment;
    return cli;
  }

  /** {@code size} jobs accepted up to {@code failAt}, which fails; the later ones not sent. */
  private BatchEnqueueResult result(int size, int failAt) {
    List<EnqueueResult> ok = new ArrayList<>();
    List<EnqueueFailure> failed = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (failAt < 0 || i < failAt) {
        ok.add(new EnqueueResult("j" + i, "sku-1", lane, "1", "m"));
      } else {
        failed.add(
            new EnqueueFailure(
                i, "j" + i, "sku-1", lane, i == failAt ? "InternalError" : "NotSent", "x"));
      }
    }
    return new BatchEnqueueResult(ok, failed);
  }
}
