package io.fenceq.leader;

import io.fenceq.internal.Require;
import io.fenceq.lease.LeaderElection;
import io.fenceq.lease.LeaderElector;
import io.fenceq.lease.LeadershipListener;
import io.fenceq.lease.LeaseStore;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the {@link LeaderElection} that one setting chooses, {@value #ELECTION}: {@code dynamodb}
 * (the default, {@link LeaderElector} on the lease table) or {@code sqs-token} ({@link
 * SqsTokenElector} on the queue {@value #TOKEN_QUEUE_URL}). Listener, name and owner are the same
 * for both, so switching touches nothing else.
 */
public final class LeaderElections {
  /** Chooses the mechanism: {@code dynamodb} (default) or {@code sqs-token}. */
  public static final String ELECTION = "FENCEQ_LEADER_ELECTION";

  /** The FIFO queue of the token, for {@code sqs-token}. */
  public static final String TOKEN_QUEUE_URL = "FENCEQ_LEADER_TOKEN_QUEUE_URL";

  private LeaderElections() {}

  /** The mechanisms, by the value {@value #ELECTION} takes. */
  public enum Kind {
    /** The lease item {@code leader#<name>} in the lease table. */
    DYNAMODB("dynamodb"),
    /** The token message of an SQS FIFO queue. */
    SQS_TOKEN("sqs-token");

    private final String setting;

    Kind(String setting) {
      this.setting = setting;
    }

    /** The value of {@value #ELECTION} that chooses it. */
    public String setting() {
      return setting;
    }

    /**
     * @param value {@code dynamodb} or {@code sqs-token}, case-insensitive; null or blank is {@code
     *     dynamodb}
     * @throws IllegalArgumentException naming the variable and the value
     */
    public static Kind of(String value) {
      if (value == null || value.isBlank()) {
        return DYNAMODB;
      }
      for (Kind kind : values()) {
        if (kind.setting.equals(value.strip().toLowerCase(Locale.ROOT))) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          ELECTION + " must be dynamodb or sqs-token, got \"" + value + "\"");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures the elector of either kind; only the chosen kind's resources are required. */
  public static final class Builder {
    private Kind kind = Kind.DYNAMODB;
    private String name;
    private String owner;
    private LeadershipListener listener = LeadershipListener.none();
    private LeaseStore leaseStore;
    private SqsClient sqs;
    private String tokenQueueUrl;
    private SqsTokenElector.Builder token = SqsTokenElector.builder();

    private Builder() {}

    public Builder kind(Kind kind) {
      this.kind = kind;
      return this;
    }

    /**
     * Reads {@value #ELECTION} and {@value #TOKEN_QUEUE_URL} from {@code environment} (e.g. {@link
     * System#getenv()}).
     *
     * @throws IllegalArgumentException if {@value #ELECTION} has another value
     */
    public Builder fromEnvironment(Map<String, String> environment) {
      this.kind = Kind.of(environment.get(ELECTION));
      String url = environment.get(TOKEN_QUEUE_URL);
      if (url != null && !url.isBlank()) {
        this.tokenQueueUrl = url.strip();
      }
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder owner(String owner) {
      this.owner = owner;
      return this;
    }

    public Builder listener(LeadershipListener listener) {
      this.listener = listener;
      return this;
    }

    /** For {@code dynamodb}: the lease store, whose configuration sets lease and renewal. */
    public Builder leaseStore(LeaseStore leaseStore) {
      this.leaseStore = leaseStore;
      return this;
    }

    /** For {@code sqs-token}: the SQS client. */
    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    /** For {@code sqs-token}: the token queue (else {@value #TOKEN_QUEUE_URL}). */
    public Builder tokenQueueUrl(String tokenQueueUrl) {
      this.tokenQueueUrl = tokenQueueUrl;
      return this;
    }

    /**
     * For {@code sqs-token}: timing settings (visibility timeout, heartbeat, receive wait, resend),
     * on a builder whose client, queue, name, owner and listener this builder sets.
     */
    public Builder tokenSettings(SqsTokenElector.Builder token) {
      this.token = Require.notNull(token, "LeaderElections", "tokenSettings");
      return this;
    }

    public LeaderElection build() {
      Require.notNull(kind, "LeaderElections", "kind");
      return switch (kind) {
        case DYNAMODB -> {
          Require.argument(
              leaseStore != null,
              "LeaderElections",
              "leaseStore",
              "null (" + ELECTION + "=dynamodb needs the lease table)");
          yield LeaderElector.builder()
              .store(leaseStore)
              .name(name)
              .owner(owner)
              .listener(listener)
              .build();
        }
        case SQS_TOKEN -> {
          Require.argument(
              sqs != null, "LeaderElections", "sqs", "null (" + ELECTION + "=sqs-token needs SQS)");
          Require.argument(
              tokenQueueUrl != null,
              "LeaderElections",
              "tokenQueueUrl",
              "null (" + ELECTION + "=sqs-token needs " + TOKEN_QUEUE_URL + ")");
          yield token
              .sqs(sqs)
              .queueUrl(tokenQueueUrl)
              .name(name)
              .owner(owner)
              .listener(listener)
              .build();
        }
      };
    }
  }
}
