package io.fenceq.functions.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fenceq.cron.CronJob;
import io.fenceq.cron.Schedule;
import io.fenceq.functions.FunctionConfigException;
import io.fenceq.queue.InvalidJobException;
import io.fenceq.queue.JobJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the cron jobs of a variable holding a JSON array, one object per schedule:
 *
 * <pre>{@code
 * [{"name": "nightly-report", "schedule": "cron(0 2 * * ? *)", "type": "report.nightly"},
 *  {"name": "sweep", "schedule": "rate(5 minutes)", "type": "sweep.run",
 *   "key": "sweeper", "payload": {"olderThanDays": 30}}]
 * }</pre>
 *
 * <p>{@code name}, {@code schedule} (EventBridge syntax) and {@code type} are required; {@code key}
 * defaults to {@code cron:<name>}, {@code payload} to {@code {}}. Unknown fields, duplicate names
 * and invalid values are refused naming the variable, the entry and the field.
 */
public final class CronJobs {
  private static final Set<String> FIELDS = Set.of("name", "schedule", "type", "key", "payload");

  private CronJobs() {}

  /**
   * @param variable the variable's name, for errors
   * @param json its value; null or blank for no jobs
   * @throws FunctionConfigException naming the variable, entry and field refused
   */
  public static List<CronJob> parse(String variable, String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = JobJson.read(json);
    } catch (JsonProcessingException e) {
      throw new FunctionConfigException(
          variable
              + " must be a JSON array of cron jobs, got invalid JSON: "
              + JobJson.errorText(e));
    }
    if (root == null || !root.isArray()) {
      throw new FunctionConfigException(
          variable
              + " must be a JSON array of cron jobs such as [{\"name\": \"sweep\", \"schedule\":"
              + " \"rate(5 minutes)\", \"type\": \"sweep.run\"}], got "
              + Environment.quote(JobJson.preview(json)));
    }
    List<CronJob> jobs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < root.size(); i++) {
      String at = variable + "[" + i + "]";
      CronJob job = job(at, root.get(i));
      if (!names.add(job.name())) {
        throw new FunctionConfigException(
            at + ".name \"" + job.name() + "\" is used by an earlier entry; names must be unique");
      }
      jobs.add(job);
    }
    return List.copyOf(jobs);
  }

  private static CronJob job(String at, JsonNode node) {
    if (!node.isObject()) {
      throw new FunctionConfigException(
          at + " must be an object with name, schedule and type, got " + node.getNodeType());
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new FunctionConfigException(
            at
                + "."
                + JobJson.preview(field)
                + " is not a cron job field; expected name, schedule, type, key, payload");
      }
    }
    String name = text(at, node, "name", true);
    String expression = text(at, node, "schedule", true);
    String type = text(at, node, "type", true);
    String key = text(at, node, "key", false);
    Schedule schedule;
    try {
      schedule = Schedule.parse(expression);
    } catch (IllegalArgumentException e) {
      throw new FunctionConfigException(at + ".schedule: " + e.getMessage());
    }
    try {
      return new CronJob(
          name, schedule, key != null ? key : "cron:" + name, type, node.get("payload"));
    } catch (InvalidJobException e) {
      throw new FunctionConfigException(at + "." + e.field() + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new FunctionConfigException(at + ": " + e.getMessage());
    }
  }

  private static String text(String at, JsonNode node, String field, boolean required) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new FunctionConfigException(at + "." + field + " is required, got nothing");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new FunctionConfigException(
          at + "." + field + " must be a string, got " + value.getNodeType());
    }
    return value.textValue();
  }
}
