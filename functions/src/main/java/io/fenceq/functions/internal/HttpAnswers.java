package io.fenceq.functions.internal;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.queue.JobJson;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The enqueue API's answers: JSON bodies, and errors as RFC 9457 problem details ({@code
 * application/problem+json} with {@code type}, {@code title}, {@code status}, {@code detail} and
 * extension members such as {@code field}).
 */
public final class HttpAnswers {
  public static final String JSON = "application/json";
  public static final String PROBLEM_JSON = "application/problem+json";

  /** A job or batch the API refuses; {@code field} names the offending field. */
  public static final String INVALID_JOB = "urn:fenceq:problem:invalid-job";

  /** The queue did not take the job(s): nothing, or only what is listed, was enqueued. */
  public static final String QUEUE_UNAVAILABLE = "urn:fenceq:problem:queue-unavailable";

  /** An unexpected error of the function itself. */
  public static final String INTERNAL_ERROR = "urn:fenceq:problem:internal-error";

  /** RFC 9457's type for a problem that is just its HTTP status. */
  public static final String ABOUT_BLANK = "about:blank";

  private HttpAnswers() {}

  /** A JSON answer. */
  public static APIGatewayV2HTTPResponse json(int status, ObjectNode body) {
    return answer(status, JSON, body, Map.of());
  }

  /** A new problem body; add extension members to it, then pass it to {@link #problem}. */
  public static ObjectNode problemBody(int status, String type, String title, String detail) {
    ObjectNode problem = JsonNodeFactory.instance.objectNode();
    problem.put("type", type);
    problem.put("title", title);
    problem.put("status", status);
    problem.put("detail", detail);
    return problem;
  }

  /** A problem answer with extra headers (e.g. {@code Allow}). */
  public static APIGatewayV2HTTPResponse problem(ObjectNode problem, Map<String, String> headers) {
    return answer(problem.get("status").asInt(), PROBLEM_JSON, problem, headers);
  }

  /** A problem answer. */
  public static APIGatewayV2HTTPResponse problem(ObjectNode problem) {
    return problem(problem, Map.of());
  }

  private static APIGatewayV2HTTPResponse answer(
      int status, String contentType, ObjectNode body, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Content-Type", contentType);
    all.put("Cache-Control", "no-store");
    all.putAll(headers);
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(status)
        .withHeaders(all)
        .withBody(JobJson.write(body))
        .withIsBase64Encoded(false)
        .build();
  }
}
