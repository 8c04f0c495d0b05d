package io.fenceq.functions.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.InvalidJobException;
import io.fenceq.queue.JobJson;
import io.fenceq.queue.JobRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the enqueue API's request bodies into {@link JobRequest}s, refusing anything else with a
 * {@link BadRequestException} that names the field. A job is {@code {"key": "sku-42", "type":
 * "reserve", "payload": {...}, "jobId": "order-981:reserve"}}: {@code key} and {@code type} are
 * required strings, {@code payload} any JSON value (default {@code {}}), {@code jobId} an optional
 * string; other fields are refused, so that a misspelt field is not silently ignored. A batch is
 * {@code {"jobs": [job, ...]}} with 1 to {@value #MAX_BATCH_JOBS} jobs. A member given twice is
 * refused, as is a key of whitespace only or with a control character; the values are otherwise
 * validated by {@link JobRequest}.
 */
public final class JobRequestReader {
  /** Most jobs in one batch request: one {@code SendMessageBatch}. */
  public static final int MAX_BATCH_JOBS = Enqueuer.MAX_BATCH_ENTRIES;

  private static final Set<String> JOB_FIELDS = Set.of("key", "type", "payload", "jobId");
  private static final String JOB_SHAPE =
      "a JSON object {\"key\": \"...\", \"type\": \"...\", \"payload\": {...}, \"jobId\":"
          + " \"...\"} (payload and jobId optional)";

  private JobRequestReader() {}

  /** One job. */
  public static JobRequest one(String body) {
    return job(parse(body), "");
  }

  /** A batch of 1 to {@value #MAX_BATCH_JOBS} jobs, in order. */
  public static List<JobRequest> batch(String body) {
    JsonNode root = parse(body);
    if (!root.isObject()) {
      throw new BadRequestException(
          "body", "must be a JSON object {\"jobs\": [...]}, got " + kind(root));
    }
    rejectUnknown(root, Set.of("jobs"), "");
    JsonNode jobs = root.get("jobs");
    if (jobs == null || !jobs.isArray()) {
      throw new BadRequestException(
          "jobs", "must be an array of jobs, got " + (jobs == null ? "nothing" : kind(jobs)));
    }
    if (jobs.isEmpty() || jobs.size() > MAX_BATCH_JOBS) {
      throw new BadRequestException(
          "jobs", "must hold 1 to " + MAX_BATCH_JOBS + " jobs, got " + jobs.size());
    }
    List<JobRequest> requests = new ArrayList<>(jobs.size());
    for (int i = 0; i < jobs.size(); i++) {
      requests.add(job(jobs.get(i), "jobs[" + i + "]."));
    }
    return requests;
  }

  /** The path of {@code field} of the job at {@code index} of a batch, or of a single job. */
  public static String fieldPath(Integer index, String field) {
    return index == null ? field : "jobs[" + index + "]." + field;
  }

  private static JobRequest job(JsonNode node, String prefix) {
    if (!node.isObject()) {
      String where = prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1);
      throw new BadRequestException(where, "must be " + JOB_SHAPE + ", got " + kind(node));
    }
    rejectUnknown(node, JOB_FIELDS, prefix);
    String key = text(node, "key", prefix);
    if (key != null) {
      checkKey(key, prefix);
    }
    String type = text(node, "type", prefix);
    String jobId = text(node, "jobId", prefix);
    JsonNode payload =
        node.has("payload") ? node.get("payload") : JsonNodeFactory.instance.objectNode();
    try {
      return new JobRequest(key, type, payload, jobId);
    } catch (InvalidJobException e) {
      throw new BadRequestException(prefix + e.field(), detailOf(e));
    }
  }

  /**
   * Keys the API refuses although the library takes them: a key of whitespace only is almost always
   * a client bug (an unset variable), and a control character in a key would turn up in logs and
   * consoles as a line break or an escape sequence.
   */
  private static void checkKey(String key, String prefix) {
    if (!key.isEmpty() && key.codePoints().allMatch(JobRequestReader::isSpace)) {
      throw new BadRequestException(prefix + "key", "must not be whitespace only");
    }
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      if (Character.getType(cp) == Character.CONTROL) {
        throw new BadRequestException(
            prefix + "key",
            "has the control character "
                + String.format(java.util.Locale.ROOT, "U+%04X", cp)
                + " at index "
                + i
                + "; keys are printable text");
      }
      i += Character.charCount(cp);
    }
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }

  /** The refusal without its {@code invalid job: <field>: } prefix. */
  public static String detailOf(InvalidJobException e) {
    String message = e.getMessage();
    String prefix = "invalid job: " + e.field() + ": ";
    int at = message.indexOf(prefix);
    return at < 0 ? message : message.substring(at + prefix.length());
  }

  private static String text(JsonNode job, String field, String prefix) {
    JsonNode value = job.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadRequestException(prefix + field, "must be a string, got " + kind(value));
    }
    return value.textValue();
  }

  private static void rejectUnknown(JsonNode object, Set<String> known, String prefix) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new BadRequestException(
            prefix + JobJson.memberName(name),
            "is not a field of this request; expected " + String.join(", ", sorted(known)));
      }
    }
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw new BadRequestException("body", "is empty; expected " + JOB_SHAPE);
    }
    try {
      JsonNode root = JobJson.readStrict(body);
      if (root == null || root.isMissingNode()) {
        throw new BadRequestException("body", "is empty; expected " + JOB_SHAPE);
      }
      return root;
    } catch (JsonProcessingException e) {
      String member = JobJson.duplicateMember(e).orElse(null);
      if (member != null) {
        // Jackson would keep the last; the sender may have meant the first, so neither is taken.
        throw new BadRequestException(
            member, "is given more than once; give each member of an object once");
      }
      throw new BadRequestException("body", "is not valid JSON: " + JobJson.errorText(e));
    }
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
