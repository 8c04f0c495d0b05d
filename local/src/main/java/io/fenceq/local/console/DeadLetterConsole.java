package io.fenceq.local.console;

import io.fenceq.dlq.DeadLetter;
import io.fenceq.dlq.DeadLetters;
import io.fenceq.dlq.PurgeReport;
import io.fenceq.dlq.RedriveReport;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's dead-letter actions over {@link DeadLetters}: list, show one job, and redrive or
 * delete selected jobs. A write is two requests: the first is a dry run that answers what would
 * happen and a one-time confirmation token; the second, with the token and the same selection, does
 * it. Writes are refused with 403 unless the console was started to allow them.
 *
 * <p>A redrive never forces: a key that may still have jobs on the work queue is refused and
 * reported, as {@code fenceq dlq redrive} does without {@code --force}. One operation runs at a
 * time, since two reads of one FIFO queue see each other's held messages as in flight.
 */
public final class DeadLetterConsole {
  /** How long a dry run's confirmation token stays good. */
  public static final Duration CONFIRMATION_LIFETIME = Duration.ofMinutes(5);

  /** The longest a request waits for another dead-letter operation to finish. */
  private static final Duration BUSY_WAIT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(DeadLetterConsole.class);

  private final DeadLetters deadLetters;
  private final boolean writesAllowed;
  private final ConfirmationTokens tokens;
  private final ReentrantLock oneAtATime = new ReentrantLock();

  /**
   * @param deadLetters the queue's operations, with the work queue and ring to redrive
   * @param writesAllowed whether redrive and delete are allowed at all
   * @param clock for the confirmation tokens' expiry
   */
  public DeadLetterConsole(DeadLetters deadLetters, boolean writesAllowed, Clock clock) {
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.writesAllowed = writesAllowed;
    this.tokens =
        new ConfirmationTokens(Objects.requireNonNull(clock, "clock"), CONFIRMATION_LIFETIME);
  }

  /** Whether redrive and delete are allowed. */
  public boolean writesAllowed() {
    return writesAllowed;
  }

  /** The jobs at the head of each lane of the dead-letter queue, as JSON. */
  String list() {
    return locked(
        () -> {
          List<DeadLetter> jobs = deadLetters.list();
          Json array = Json.array();
          jobs.forEach(j -> array.element(summary(j).end()));
          return Json.object()
              .field("queueUrl", deadLetters.deadLetterQueueUrl())
              .field("approximateCount", deadLetters.approximateCount())
              .fieldJson("jobs", array.end())
              .end();
        });
  }

  /** One job in full, or empty if it is not readable (not there, or behind others of its lane). */
  Optional<String> show(String jobId) {
    return locked(
        () ->
            deadLetters
                .inspect(jobId)
                .map(
                    j -> {
                      Json attributes = Json.object();
                      j.attributes().forEach(attributes::field);
                      return summary(j)
                          .field("messageId", j.messageId())
                          .field("sequenceNumber", j.sequenceNumber())
                          .field("sourceQueue", j.sourceQueue().orElse(null))
                          .fieldJson("attributes", attributes.end())
                          .field("body", j.body())
                          .end();
                    }));
  }

  /** A redrive's dry run with a token, or with a valid token the redrive itself. */
  String redrive(Map<String, List<String>> form) {
    ConsoleSelection selection = writable(form);
    String token = token(form);
    return locked(
        () -> {
          if (token == null) {
            RedriveReport plan = deadLetters.redrive(selection.selection(), true, false);
            return redriveJson(
                plan, plan.redriven().isEmpty() ? null : issue("redrive", selection));
          }
          confirm(token, "redrive", selection);
          RedriveReport report = deadLetters.redrive(selection.selection(), false, false);
          log.info(
              "event=console_redrive selection=\"{}\" redriven={} refused_keys={} failed={}",
              selection.canonical(),
              report.redriven().size(),
              report.refused().size(),
              report.failed().size());
          return redriveJson(report, null);
        });
  }

  /** A delete's dry run with a token, or with a valid token the delete itself. */
  String delete(Map<String, List<String>> form) {
    ConsoleSelection selection = writable(form);
    String token = token(form);
    return locked(
        () -> {
          if (token == null) {
            PurgeReport plan = deadLetters.purge(selection.selection(), true);
            return purgeJson(plan, plan.purged().isEmpty() ? null : issue("delete", selection));
          }
          confirm(token, "delete", selection);
          PurgeReport report = deadLetters.purge(selection.selection(), false);
          log.info(
              "event=console_delete selection=\"{}\" deleted={} failed={}",
              selection.canonical(),
              report.purged().size(),
              report.failed().size());
          return purgeJson(report, null);
        });
  }

  private ConsoleSelection writable(Map<String, List<String>> form) {
    if (!writesAllowed) {
      throw new ConsoleRequestException(
          403, "read-only console: start it with --allow-writes to redrive or delete");
    }
    return ConsoleSelection.from(form);
  }

  private static String token(Map<String, List<String>> form) {
    List<String> t = form.getOrDefault("token", List.of());
    if (t.size() > 1) {
      throw new ConsoleRequestException(400, "one token, not " + t.size());
    }
    return t.isEmpty() || t.get(0).isEmpty() ? null : t.get(0);
  }

  private String issue(String action, ConsoleSelection selection) {
    return tokens.issue(action, selection.canonical());
  }

  private void confirm(String token, String action, ConsoleSelection selection) {
    Optional<String> refusal = tokens.redeem(token, action, selection.canonical());
    if (refusal.isPresent()) {
      throw new ConsoleRequestException(409, refusal.get());
    }
  }

  private interface Operation<T> {
    T run();
  }

  private <T> T locked(Operation<T> operation) {
    try {
      if (!oneAtATime.tryLock(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new ConsoleRequestException(
            409,
            "another dead-letter operation on "
                + deadLetters.deadLetterQueueUrl()
                + " is still running: try again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConsoleRequestException(503, "interrupted waiting for another operation");
    }
    try {
      return operation.run();
    } finally {
      oneAtATime.unlock();
    }
  }

  private static Json summary(DeadLetter j) {
    return Json.object()
        .field("jobId", j.jobId())
        .field("key", j.key().orElse(null))
        .field("type", j.type().orElse(null))
        .field("reason", j.reason())
        .fieldJson(
            "attempts", j.attempts().isPresent() ? Integer.toString(j.attempts().getAsInt()) : null)
        .field("enqueuedAt", j.enqueuedAt().map(Object::toString).orElse(null))
        .field("lane", j.group())
        .field("problem", j.problem());
  }

  private String redriveJson(RedriveReport r, String token) {
    Json redriven = Json.array();
    for (RedriveReport.Redriven x : r.redriven()) {
      redriven.element(
          Json.object()
              .field("jobId", x.job().jobId())
              .field("key", x.job().key().orElse(null))
              .field("lane", x.lane())
              .field("sequenceNumber", x.sequenceNumber())
              .end());
    }
    Json refused = Json.array();
    for (RedriveReport.RefusedKey k : r.refused()) {
      refused.element(
          Json.object()
              .field("key", k.key())
              .field("lane", k.lane())
              .field("jobs", k.jobs())
              .field("why", k.why())
              .end());
    }
    Json failed = Json.array();
    for (RedriveReport.Failure f : r.failed()) {
      failed.element(
          Json.object()
              .field("jobId", f.job().jobId())
              .field("sent", f.sent())
              .field("why", f.why())
              .end());
    }
    Json unroutable = Json.array();
    r.unroutable().forEach(d -> unroutable.element(d.jobId(), true));
    return confirmation(
            Json.object()
                .field("action", "redrive")
                .field("dryRun", r.dryRun())
                .fieldJson("redriven", redriven.end())
                .fieldJson("refused", refused.end())
                .fieldJson("failed", failed.end())
                .fieldJson("unroutable", unroutable.end()),
            token)
        .end();
  }

  private String purgeJson(PurgeReport r, String token) {
    Json deleted = Json.array();
    for (DeadLetter d : r.purged()) {
      deleted.element(summary(d).end());
    }
    Json failed = Json.array();
    r.failed().forEach(f -> failed.element(f, true));
    return confirmation(
            Json.object()
                .field("action", "delete")
                .field("dryRun", r.dryRun())
                .fieldJson("deleted", deleted.end())
                .fieldJson("failed", failed.end()),
            token)
        .end();
  }

  private Json confirmation(Json json, String token) {
    json.field("token", token);
    json.field("tokenExpiresAt", token == null ? null : tokens.expiryOfNew().toString());
    return json;
  }
}
