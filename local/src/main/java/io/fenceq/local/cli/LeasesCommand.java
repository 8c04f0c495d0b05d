package io.fenceq.local.cli;

import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.lease.internal.LeaseItem;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

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
    List<Row> rows = new ArrayList<>();
    try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(AwsClients.Target.fromEnvironment())) {
      // A consistent scan: the table holds one small item per lane and leader.
      for (Map<String, AttributeValue> item :
          dynamoDb.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
        AttributeValue id = item.get(LeaseItem.ID);
        LeaseItem lease = LeaseItem.from(item);
        if (id != null && (!heldOnly || lease.held())) {
          rows.add(new Row(id.s(), lease));
        }
      }
    } catch (ResourceNotFoundException e) {
      throw new FenceqException("lease table " + table + " does not exist", e);
    } catch (SdkException e) {
      throw new FenceqException("could not read lease table " + table + ": " + e.getMessage(), e);
    }
    rows.sort(Comparator.comparing(Row::id));
    print(rows, Clock.systemUTC().instant());
    return 0;
  }

  private void print(List<Row> rows, Instant now) {
    PrintWriter out = spec.commandLine().getOut();
    String format = "%-24s %-40s %8s %-24s %10s %9s%n";
    out.printf(format, "LEASE", "HOLDER", "FENCE", "EXPIRES (hint)", "IN", "RENEWALS");
    long held = 0;
    for (Row row : rows) {
      LeaseItem l = row.lease();
      held += l.held() ? 1 : 0;
      String in =
          l.held()
              ? Duration.ofMillis(l.expiresAtMillis() - now.toEpochMilli()).toSeconds() + "s"
              : "-";
      out.printf(
          format,
          row.id(),
          l.held() ? l.owner() : "(free)",
          l.fence(),
          l.held() ? Instant.ofEpochMilli(l.expiresAtMillis()).toString() : "-",
          in,
          l.renewals());
    }
    out.printf("%d leases, %d held (table %s)%n", rows.size(), held, table);
  }

  private record Row(String id, LeaseItem lease) {}
}
