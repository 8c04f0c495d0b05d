package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.lease.LeaseSnapshot;
import io.fenceq.lease.LeaseTableReader;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code fenceq leases}: who holds which lane or leader lease, at which fence, until when. */
@Command(
    name = "leases",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the lease table: each lane (lane#0042) and leader (leader#nightly) lease with its"
          + " holder, fence, expiry hint and renewal count. Read-only.",
      "Endpoints, region and credentials come from the standard AWS environment variables."
    })
final class LeasesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--table",
      defaultValue = "${env:FENCEQ_LEASE_TABLE}",
      description = "The lease table (default: $FENCEQ_LEASE_TABLE).")
  String table;

  @Option(names = "--held", description = "Show held leases only.")
  boolean heldOnly;

  @Override
  public Integer call() {
    if (table == null || table.isBlank()) {
      throw new IllegalArgumentException(
          "no lease table: pass --table or set FENCEQ_LEASE_TABLE (`fenceq local` prints it)");
    }
    List<LeaseSnapshot> leases;
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(AwsClients.Target.fromEnvironment())) {
      leases = new LeaseTableReader(dynamoDb, table).list();
    } catch (SdkException e) {
      // The client itself could not be set up (no region, no credentials provider).
      throw new FenceqException("could not read lease table " + table + ": " + e.getMessage(), e);
    }
    if (heldOnly) {
      leases = leases.stream().filter(LeaseSnapshot::held).toList();
    }
    // Whole milliseconds, the precision of the expiry hints.
    print(spec.commandLine().getOut(), leases, Instant.now().truncatedTo(ChronoUnit.MILLIS), table);
    return 0;
  }

  static void print(PrintWriter out, List<LeaseSnapshot> leases, Instant now, String table) {
    String format = "%-24s %-40s %8s %-24s %10s %9s  %s%n";
    out.printf(format, "LEASE", "HOLDER", "FENCE", "EXPIRES (hint)", "IN", "RENEWALS", "STATE");
    long held = 0;
    long passing = 0;
    for (LeaseSnapshot l : leases) {
      held += l.held() ? 1 : 0;
      passing += l.held() && l.handedOver() ? 1 : 0;
      out.printf(
          format,
          l.id(),
          l.held() ? l.owner() : "(free)",
          l.fence(),
          l.held() ? l.expiresAt().toString() : "-",
          l.held() ? l.expiresIn(now).toSeconds() + "s" : "-",
          l.renewals(),
          l.state(now).label());
    }
    // A held lease whose grant recorded its lane-batch blocks nobody: the lane's next batch takes
    // it without waiting, so a drained lane shows as held and passing, never as stuck.
    out.printf(
        "%d leases, %d held, %d of them passing to their lane's next batch (table %s)%n",
        leases.size(), held, passing, table);
  }
}
