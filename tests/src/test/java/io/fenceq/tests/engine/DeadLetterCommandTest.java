package io.fenceq.tests.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.local.cli.FenceqCli;
import io.fenceq.ring.HashRing;
import io.fenceq.tests.support.SdkSystemProperties;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code fenceq dlq} in process against the embedded emulators, which the command finds as it would
 * in a shell: through the SDK's standard settings (here their system-property form, set for the
 * test and restored after it).
 */
class DeadLetterCommandTest {
  private final TestAws aws = TestAws.get();
  private SdkSystemProperties sdk;

  @BeforeEach
  void pointTheSdkAtTheEmulators() {
    sdk = SdkSystemProperties.set(aws.awsEnvironment());
  }

  @AfterEach
  void restore() {
    sdk.restore();
  }

  @Test
  void listShowRedriveAndPurgeFromTheCommandLine() {
    TestStack stack = aws.newStack("dlqcli");
    HashRing ring = HashRing.of(stack.lanes());
    stack.enqueuer(aws.sqs()).enqueueAll(StepJournal.jobs("sku-1", 2, 0)).requireAllAccepted();
    assertThat(DeadLetterRedriveTest.deadLetterAll(aws, stack, ring)).isEqualTo(2);

    Run list = run(stack, "list");
    assertThat(list.code).as(list.err).isZero();
    assertThat(list.out)
        .contains("sku-1:0", "sku-1:1", "2 jobs listed")
        .contains("its handler failed 5 times");

    Run show = run(stack, "show", "sku-1:1");
    assertThat(show.code).as(show.err).isZero();
    assertThat(show.out).contains("sku-1:1").contains("\"n\" : 1").contains("attempts");

    Run dryRun = run(stack, "redrive", "--all", "--dry-run");
    assertThat(dryRun.code).as(dryRun.err).isZero();
    assertThat(dryRun.out).contains("would_redrive=2").contains("dry run: nothing changed");
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isZero();

    Run redrive = run(stack, "redrive", "--job-id", "sku-1:0", "--yes");
    assertThat(redrive.code).as(redrive.err).isZero();
    assertThat(redrive.out).contains("redriven=1 ");
    assertThat(QueueState.messages(aws.sqs(), stack.workQueueUrl())).isEqualTo(1);

    // The key's first job is back on the work queue: its second is refused, not reordered.
    Run refused = run(stack, "redrive", "--key", "sku-1", "--yes");
    assertThat(refused.code).isEqualTo(FenceqCli.EXIT_FAILURE);
    assertThat(refused.err).contains("refused key=sku-1").contains(stack.workQueueUrl());

    Run purge = run(stack, "purge", "--all", "--yes");
    assertThat(purge.code).as(purge.err).isZero();
    assertThat(purge.out).contains("purged=1 ");
    assertThat(QueueState.messages(aws.sqs(), stack.dlqUrl())).isZero();

    Run missing = run(stack, "show", "sku-1:9");
    assertThat(missing.code).isEqualTo(FenceqCli.EXIT_FAILURE);
    assertThat(missing.err.lines()).singleElement().asString().contains(stack.dlqUrl());
  }

  @Test
  void aQueueThatDoesNotExistIsOneLineNamingIt() {
    TestStack stack = aws.newStack("dlqcligone");
    String gone = stack.dlqUrl().replace("-dlq.fifo", "-gone.fifo");
    Run list = run(stack, List.of("list", "--dlq-url", gone));
    assertThat(list.code).isEqualTo(FenceqCli.EXIT_FAILURE);
    assertThat(list.err.lines()).singleElement().asString().contains(gone);
  }

  private static Run run(TestStack stack, String... args) {
    return run(stack, List.of(args));
  }

  private static Run run(TestStack stack, List<String> args) {
    List<String> all = new ArrayList<>();
    all.add("dlq");
    all.addAll(args);
    all.addAll(
        List.of(
            "--queue-url",
            stack.workQueueUrl(),
            "--lanes",
            Integer.toString(stack.lanes()),
            "--lease-table",
            stack.leaseTable(),
            "--receive-wait",
            "0"));
    if (!args.contains("--dlq-url")) {
      all.addAll(List.of("--dlq-url", stack.dlqUrl()));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FenceqCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private record Run(int code, String out, String err) {}
}
