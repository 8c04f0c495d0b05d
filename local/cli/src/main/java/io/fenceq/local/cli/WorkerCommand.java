package io.fenceq.local.cli;

import io.fenceq.worker.WorkerMain;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fenceq worker}: the ECS worker, against whatever endpoint the environment names. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a worker that drains the work queue until SIGTERM or Ctrl-C: the first signal stops"
          + " it gracefully (running jobs finish, the rest go back, leases are released), a second"
          + " ends it at once.",
      "",
      "Configured by the environment (`fenceq local` prints the first ones):",
      "  FENCEQ_QUEUE_URL             the FIFO work queue (required)",
      "  FENCEQ_LEASE_TABLE           the lease table (required)",
      "  FENCEQ_HANDLER               HandlerFactory class (required; the example inventory",
      "                               handlers: io.fenceq.examples.inventory.InventoryHandlers)",
      "  FENCEQ_DLQ_URL               the FIFO dead-letter queue for permanent errors",
      "  FENCEQ_LANES                 lanes on the ring, as the producers use (256)",
      "  FENCEQ_CONCURRENCY           receive loops (2)",
      "  FENCEQ_MAX_LANES_IN_FLIGHT   lanes processed at once (16)",
      "  FENCEQ_MAX_ATTEMPTS          failures of a job before it is dead-lettered (5)",
      "  FENCEQ_JOB_TIMEOUT_SECONDS   how long one job may run before it is interrupted (900)",
      "  FENCEQ_LEASE_SECONDS         lane lease duration (30)",
      "  FENCEQ_SHUTDOWN_SECONDS      how long a stop may take (30)",
      "  FENCEQ_RECEIVE_WAIT_SECONDS  long-poll wait (20)",
      "  FENCEQ_HEALTH_FILE           a file kept while the worker is healthy (none)",
      "  FENCEQ_UNHEALTHY_WRITTEN_OFF_THREADS",
      "                               handler threads that ignored their time limit before",
      "                               the worker turns unhealthy (1)",
      "  FENCEQ_INVENTORY_TABLE       the example handlers' table",
      "  FENCEQ_METRICS               none, or emf for CloudWatch metric lines on stdout (none)",
      "Endpoints, region and credentials: the standard AWS variables (AWS_ENDPOINT_URL_SQS, ...)."
    })
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return WorkerMain.run(System.getenv(), spec.commandLine().getErr());
  }
}
