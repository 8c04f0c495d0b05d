package io.fenceq.cron;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fenceq.queue.JobRequest;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A named schedule and the job it enqueues at each tick. Every tick becomes one job with {@code
 * jobId = cron:<name>:<tick>}, e.g. {@code cron:nightly-report:2026-11-26T02:00:00Z}; the job id is
 * the SQS deduplication id, so the same tick enqueued twice (by two leaders, or by a retry) is
 * enqueued once.
 *
 * @param name 1 to 64 of {@code A-Z a-z 0-9 . _ -}; part of every job id, so renaming a schedule
 *     makes its next ticks new jobs
 * @param schedule when it fires
 * @param key the key the jobs serialize on; by default {@code cron:<name>}, so the ticks of one
 *     schedule run one at a time, in order
 * @param type the job type, which selects the handler
 * @param payload the JSON payload of every tick's job
 */
public record CronJob(String name, Schedule schedule, String key, String type, JsonNode payload) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public CronJob {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "cron job name must be 1 to 64 of A-Z a-z 0-9 . _ -, got "
              + (name == null ? "null" : '"' + name + '"'));
    }
    if (schedule == null) {
      throw new IllegalArgumentException("cron job " + name + " needs a schedule, got null");
    }
    if (payload == null) {
      payload = JsonNodeFactory.instance.objectNode();
    }
    // Validates key and type the way every job is validated.
    new JobRequest(key, type, payload, jobId(name, Instant.EPOCH));
  }

  /** A job on key {@code cron:<name>} with an empty object payload. */
  public static CronJob of(String name, String expression, String type) {
    return new CronJob(name, Schedule.parse(expression), "cron:" + name, type, null);
  }

  /** The same job with another payload. */
  public CronJob withPayload(JsonNode payload) {
    return new CronJob(name, schedule, key, type, payload);
  }

  /** The same job on another key. */
  public CronJob withKey(String key) {
    return new CronJob(name, schedule, key, type, payload);
  }

  /** The job id of one tick: {@code cron:<name>:<tick in ISO-8601 UTC>}. */
  public static String jobId(String name, Instant tick) {
    return "cron:" + name + ":" + tick;
  }

  /** The job enqueued for {@code tick}. */
  public JobRequest jobAt(Instant tick) {
    return new JobRequest(key, type, payload, jobId(name, tick));
  }
}
