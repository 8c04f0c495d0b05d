package io.fenceq.local.console;

import io.fenceq.lease.LeaseSnapshot;
import io.fenceq.lease.LeaseTableReader;
import io.fenceq.reshard.RingConfigTable;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What {@code /api/state} answers: the lease table's leases and the queues' approximate counts,
 * read fresh on each call, as JSON. Reads only; never receives from a queue.
 */
public final class ConsoleState {
  private final DynamoDbClient dynamoDb;
  private final String leaseTable;
  private final int configuredLanes;
  private final SqsClient sqs;
  private final String queueUrl;
  private final String dlqUrl;
  private final Clock clock;
  private final ConsoleStats stats;

  /** Reads {@code leaseTable} and the queues (either URL may be null) on the system clock. */
  public ConsoleState(
      DynamoDbClient dynamoDb, String leaseTable, SqsClient sqs, String queueUrl, String dlqUrl) {
    this(dynamoDb, leaseTable, sqs, queueUrl, dlqUrl, Clock.systemUTC());
  }

  /** As above, judging expiry hints against {@code clock}. */
  public ConsoleState(
      DynamoDbClient dynamoDb,
      String leaseTable,
      SqsClient sqs,
      String queueUrl,
      String dlqUrl,
      Clock clock) {
    this(dynamoDb, leaseTable, sqs, queueUrl, dlqUrl, clock, null);
  }

  /** As above, with the throughput stats and lane backlogs of {@code stats} (null for none). */
  public ConsoleState(
      DynamoDbClient dynamoDb,
      String leaseTable,
      SqsClient sqs,
      String queueUrl,
      String dlqUrl,
      Clock clock,
      ConsoleStats stats) {
    this(dynamoDb, leaseTable, sqs, queueUrl, dlqUrl, clock, stats, 0);
  }

  /**
   * As above, with the lane count the queue's producers and consumers are configured with (0 if
   * unknown), which is the ring's until a reshard records another in the lease table.
   */
  public ConsoleState(
      DynamoDbClient dynamoDb,
      String leaseTable,
      SqsClient sqs,
      String queueUrl,
      String dlqUrl,
      Clock clock,
      ConsoleStats stats,
      int configuredLanes) {
    if (configuredLanes < 0 || configuredLanes > HashRing.MAX_LANES) {
      throw new IllegalArgumentException(
          "configuredLanes must be 0 (unknown) to "
              + HashRing.MAX_LANES
              + ", got "
              + configuredLanes);
    }
    this.configuredLanes = configuredLanes;
    this.stats = stats;
    this.dynamoDb = dynamoDb;
    this.leaseTable = leaseTable;
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.dlqUrl = dlqUrl;
    this.clock = clock;
  }

  /** The state as one JSON object, for a read-only console without dead-letter actions. */
  public String read() {
    return read(false, false);
  }

  /**
   * The state as one JSON object.
   *
   * @param writesAllowed whether the console allows redrive and delete (the page shows the mode)
   * @param deadLetters whether the console serves the dead-letter endpoints
   */
  public String read(boolean writesAllowed, boolean deadLetters) {
    Instant now = clock.instant();
    List<LeaseSnapshot> leases = new LeaseTableReader(dynamoDb, leaseTable).list();
    StringBuilder json = new StringBuilder(256 + leases.size() * 160);
    json.append("{\"now\":").append(string(now.toString()));
    json.append(",\"readOnly\":").append(!writesAllowed);
    json.append(",\"deadLetters\":").append(deadLetters);
    json.append(",\"leaseTable\":").append(string(leaseTable));
    json.append(",\"ring\":").append(ring());
    json.append(",\"leases\":[");
    for (int i = 0; i < leases.size(); i++) {
      LeaseSnapshot l = leases.get(i);
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"id\":").append(string(l.id()));
      json.append(",\"kind\":").append(string(l.id().startsWith("leader#") ? "leader" : "lane"));
      json.append(",\"state\":").append(string(state(l, now)));
      json.append(",\"holder\":").append(l.held() ? string(l.owner()) : "null");
      json.append(",\"fence\":").append(l.fence());
      json.append(",\"renewals\":").append(l.renewals());
      json.append(",\"expiresAt\":").append(l.held() ? string(l.expiresAt().toString()) : "null");
      json.append(",\"expiresInMillis\":")
          .append(l.held() ? Long.toString(l.expiresIn(now).toMillis()) : "null");
      json.append(",\"durationMillis\":").append(l.duration().toMillis());
      json.append('}');
    }
    json.append("],\"queue\":").append(counts(queueUrl));
    json.append(",\"dlq\":").append(counts(dlqUrl));
    json.append(",\"stats\":").append(stats == null ? "null" : stats.read());
    return json.append('}').toString();
  }

  /**
   * The ring as the lease table records it: its epoch, lane count and, during a reshard, the old
   * ring's lane count and the old lanes whose barrier has not passed. Before any reshard the lane
   * count is the configured one (null if unknown).
   */
  private String ring() {
    RingEpoch ring =
        new RingConfigTable(dynamoDb, leaseTable, Math.max(1, configuredLanes), clock).read();
    boolean known = ring.epoch() > 0 || configuredLanes > 0;
    StringBuilder json = new StringBuilder(96);
    json.append("{\"epoch\":").append(ring.epoch());
    json.append(",\"lanes\":").append(known ? Integer.toString(ring.lanes()) : "null");
    json.append(",\"previousLanes\":")
        .append(ring.epoch() > 0 ? Integer.toString(ring.previousLanes()) : "null");
    json.append(",\"pendingBarriers\":[");
    boolean first = true;
    for (int lane : ring.pending()) {
      json.append(first ? "" : ",").append(string(new Lane(lane).id()));
      first = false;
    }
    return json.append("]}").toString();
  }

  /** free, held, idle or expired: {@link LeaseSnapshot#state}. */
  static String state(LeaseSnapshot lease, Instant now) {
    return lease.state(now).label();
  }

  private String counts(String url) {
    if (url == null) {
      return "null";
    }
    Map<QueueAttributeName, String> a =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(url)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
            .attributes();
    return "{\"url\":"
        + string(url)
        + ",\"visible\":"
        + number(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + ",\"inFlight\":"
        + number(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        + ",\"delayed\":"
        + number(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
        + "}";
  }

  private static String number(String value) {
    return value == null ? "null" : Long.toString(Long.parseLong(value));
  }

  static String string(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
