package io.fenceq.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.functions.internal.AwsTarget;
import io.fenceq.functions.internal.BadRequestException;
import io.fenceq.functions.internal.Environment;
import io.fenceq.functions.internal.HttpAnswers;
import io.fenceq.functions.internal.JobRequestReader;
import io.fenceq.functions.internal.Priming;
import io.fenceq.functions.internal.RingEpochs;
import io.fenceq.queue.BatchEnqueueResult;
import io.fenceq.queue.EnqueueException;
import io.fenceq.queue.EnqueueFailure;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.InvalidJobException;
import io.fenceq.queue.JobEnvelope;
import io.fenceq.queue.JobJson;
import io.fenceq.queue.JobRequest;
import io.fenceq.queue.LargePayloads;
import io.fenceq.queue.QueueNotFoundException;
import io.fenceq.reshard.RingEpochSource;
import io.fenceq.ring.HashRing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The enqueue API as a Lambda function behind an API Gateway HTTP API (payload format 2.0).
 *
 * <ul>
 *   <li>{@code POST /jobs} with {@code {"key", "type", "payload", "jobId"}} enqueues one job;
 *   <li>{@code POST /jobs/batch} with {@code {"jobs": [...]}} enqueues 1 to 10, in order, all or
 *       nothing validated first.
 * </ul>
 *
 * <p>Answers: {@code 202} with the job id, key, lane, SQS sequence number and message id of every
 * job; {@code 400} for a body it refuses (two jobs of a batch with one job id included), {@code
 * 415} for a {@code Content-Type} other than JSON (a request without one is read as JSON), {@code
 * 503} when SQS did not take the job(s) (the queue is gone, throttling or errors after the SDK's
 * retries), {@code 404} for another path and {@code 405} for another method; errors are RFC 9457
 * problem details ({@code application/problem+json}) and a {@code 400} names the offending field in
 * {@code field} (e.g. {@code key} or {@code jobs[3].type}). A batch that SQS took only in part
 * answers {@code 503} listing the jobs {@code accepted} and those {@code failed}, with their job
 * ids: resending the failed ones with those ids is safe, SQS deduplicates within five minutes.
 * Nothing is ever lost silently.
 *
 * <p>Configuration ({@link #VARIABLES}): {@code FENCEQ_QUEUE_URL} (required) and {@code
 * FENCEQ_LANES} (default 256, the consumers' value), and {@code FENCEQ_PAYLOAD_BUCKET} (optional:
 * jobs above 256 KiB go through that S3 bucket, up to 2 MiB; see {@link LargePayloads}), and {@code
 * FENCEQ_RING_EPOCHS} ({@code true}: jobs go to the lanes of the ring's current epoch and carry it,
 * read from {@code FENCEQ_LEASE_TABLE}'s {@code ring#config} item every {@link
 * Enqueuer#DEFAULT_EPOCH_REFRESH}, never per job; see docs/resharding.md); AWS endpoint, region and
 * credentials from the SDK's variables in the same map ({@link AwsTarget}). The queue is checked
 * (it exists, is FIFO, its size limit) at the first request rather than at start-up, so that a cold
 * start makes no AWS call and a missing queue is a {@code 503}, not a failed initialization.
 *
 * <p>Thread-safe. SnapStart: primes the SQS client's send path and Jackson before the snapshot,
 * without calling AWS.
 */
public final class EnqueueFunction
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
  /** The {@code FENCEQ_*} variables this function reads. */
  public static final Set<String> VARIABLES =
      Set.of(
          ConsumerConfig.QUEUE_URL,
          ConsumerConfig.LANES,
          ConsumerConfig.PAYLOAD_BUCKET,
          ConsumerConfig.RING_EPOCHS,
          ConsumerConfig.LEASE_TABLE);

  /** Path of the single-job route. */
  public static final String JOB_PATH = "/jobs";

  /** Path of the batch route. */
  public static final String BATCH_PATH = "/jobs/batch";

  private static final Logger log = LoggerFactory.getLogger(EnqueueFunction.class);

  private final String queueUrl;
  private final HashRing ring;
  private final Region region;
  private final SqsClient sqs;
  private final LargePayloads largePayloads;
  private final RingEpochSource ringEpochs;
  private final Object enqueuerLock = new Object();
  private Enqueuer enqueuer;

  /** Configured by the process environment, as Lambda runs it. */
  public EnqueueFunction() {
    this(System.getenv());
  }

  /**
   * Configured by {@code environment} alone, AWS endpoint, region and credentials included.
   *
   * @throws FunctionConfigException naming the variable that is missing or invalid, and its value
   */
  public EnqueueFunction(Map<String, String> environment) {
    Environment env = new Environment(environment);
    this.queueUrl = env.fifoQueueUrl(ConsumerConfig.QUEUE_URL);
    this.ring =
        HashRing.of(
            env.integer(
                ConsumerConfig.LANES,
                ConsumerConfig.DEFAULT_LANES,
                1,
                Math.min(ConsumerConfig.MAX_LANES, HashRing.MAX_LANES)));
    AwsClients.Target target = AwsTarget.from(env);
    this.region = target.region();
    this.sqs = AwsClients.sqs(target);
    String bucket = env.optional(ConsumerConfig.PAYLOAD_BUCKET);
    try {
      this.largePayloads =
          bucket == null
              ? null
              : LargePayloads.builder().s3(AwsClients.s3(target)).bucket(bucket).build();
    } catch (IllegalArgumentException e) {
      throw new FunctionConfigException(ConsumerConfig.PAYLOAD_BUCKET + ": " + e.getMessage(), e);
    }
    this.ringEpochs = RingEpochs.of(env, ring.laneCount(), () -> AwsClients.dynamoDb(target));
    Core.getGlobalContext().register(this);
    log.info(
        "event=enqueue_function_ready queue={} ring={} ringEpochs={}",
        queueUrl,
        ring.descriptor(),
        ringEpochs != null);
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    String method = method(event);
    String path = path(event);
    boolean single = JOB_PATH.equals(path);
    if (!single && !BATCH_PATH.equals(path)) {
      return HttpAnswers.problem(
          HttpAnswers.problemBody(
              404,
              HttpAnswers.ABOUT_BLANK,
              "Not Found",
              "no route for " + path + "; POST " + JOB_PATH + " or POST " + BATCH_PATH));
    }
    if (!"POST".equals(method)) {
      return HttpAnswers.problem(
          HttpAnswers.problemBody(
              405,
              HttpAnswers.ABOUT_BLANK,
              "Method Not Allowed",
              path + " accepts POST only, got " + method),
          Map.of("Allow", "POST"));
    }
    String contentType = header(event, "Content-Type");
    if (contentType != null && !isJson(contentType)) {
      return HttpAnswers.problem(
          HttpAnswers.problemBody(
              415,
              HttpAnswers.ABOUT_BLANK,
              "Unsupported Media Type",
              path
                  + " accepts a JSON body (Content-Type: application/json), got Content-Type: "
                  + JobJson.preview(contentType)),
          Map.of("Accept-Post", HttpAnswers.JSON));
    }
    try {
      String body = body(event);
      return single ? enqueueOne(body) : enqueueBatch(body);
    } catch (BadRequestException e) {
      return badRequest(e.field(), e.detail());
    } catch (InvalidJobException e) {
      String field =
          JobRequestReader.fieldPath(
              e.index().isPresent() ? e.index().getAsInt() : null, e.field());
      return badRequest(field, field + " " + JobRequestReader.detailOf(e));
    } catch (QueueNotFoundException | EnqueueException e) {
      log.warn(
          "event=enqueue_unavailable queue={} path={} error=\"{}\"",
          queueUrl,
          path,
          e.getMessage());
      return HttpAnswers.problem(
          HttpAnswers.problemBody(
              503,
              HttpAnswers.QUEUE_UNAVAILABLE,
              "Queue unavailable",
              "nothing was enqueued: " + e.getMessage()));
    } catch (RuntimeException e) {
      log.error("event=enqueue_failed queue={} path={}", queueUrl, path, e);
      return HttpAnswers.problem(
          HttpAnswers.problemBody(
              500,
              HttpAnswers.INTERNAL_ERROR,
              "Internal error",
              "the job was not enqueued: " + e.getClass().getSimpleName()));
    }
  }

  private APIGatewayV2HTTPResponse enqueueOne(String body) {
    JobRequest request = JobRequestReader.one(body);
    EnqueueResult result = enqueuer().enqueue(request);
    return HttpAnswers.json(202, accepted(result));
  }

  private APIGatewayV2HTTPResponse enqueueBatch(String body) {
    List<JobRequest> requests = JobRequestReader.batch(body);
    BatchEnqueueResult result = enqueuer().enqueueAll(requests);
    ArrayNode accepted = JsonNodeFactory.instance.arrayNode();
    result.accepted().forEach(r -> accepted.add(accepted(r)));
    if (result.allAccepted()) {
      ObjectNode answer = JsonNodeFactory.instance.objectNode();
      answer.set("jobs", accepted);
      return HttpAnswers.json(202, answer);
    }
    ArrayNode failed = JsonNodeFactory.instance.arrayNode();
    for (EnqueueFailure f : result.failed()) {
      ObjectNode job = failed.addObject();
      job.put("index", f.index());
      job.put("jobId", f.jobId());
      job.put("key", f.key());
      job.put("lane", f.lane().id());
      job.put("code", f.code());
      job.put("reason", f.reason());
    }
    EnqueueFailure first = result.failed().get(0);
    log.warn(
        "event=enqueue_batch_partly_failed queue={} accepted={} failed={} firstCode={}"
            + " firstReason=\"{}\"",
        queueUrl,
        result.accepted().size(),
        result.failed().size(),
        first.code(),
        first.reason());
    ObjectNode problem =
        HttpAnswers.problemBody(
            503,
            HttpAnswers.QUEUE_UNAVAILABLE,
            "Queue unavailable",
            result.failed().size()
                + " of "
                + requests.size()
                + " jobs were not enqueued; resend the failed ones with the same jobId (SQS"
                + " deduplicates within five minutes). First: "
                + first.reason());
    problem.set("accepted", accepted);
    problem.set("failed", failed);
    return HttpAnswers.problem(problem);
  }

  private static ObjectNode accepted(EnqueueResult r) {
    ObjectNode job = JsonNodeFactory.instance.objectNode();
    job.put("jobId", r.jobId());
    job.put("key", r.key());
    job.put("lane", r.lane().id());
    job.put("sequenceNumber", r.sequenceNumber());
    job.put("messageId", r.messageId());
    return job;
  }

  private static APIGatewayV2HTTPResponse badRequest(String field, String detail) {
    ObjectNode problem =
        HttpAnswers.problemBody(400, HttpAnswers.INVALID_JOB, "Invalid job", detail);
    problem.put("field", field);
    return HttpAnswers.problem(problem);
  }

  /**
   * The enqueuer, built at the first request: building checks the queue, and a queue that is
   * missing then answers 503 and is checked again at the next request.
   */
  private Enqueuer enqueuer() {
    synchronized (enqueuerLock) {
      if (enqueuer == null) {
        Enqueuer.Builder b =
            Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(ring).largePayloads(largePayloads);
        if (ringEpochs != null) {
          b.ringEpochs(ringEpochs, Enqueuer.DEFAULT_EPOCH_REFRESH);
        }
        enqueuer = b.build();
      }
      return enqueuer;
    }
  }

  /** A request header; API Gateway passes names lower-cased, other callers may not. */
  private static String header(APIGatewayV2HTTPEvent event, String name) {
    Map<String, String> headers = event.getHeaders();
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getKey() != null && h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  /** {@code application/json} or a {@code +json} type, with any parameters. */
  static boolean isJson(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type =
        (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
            .strip()
            .toLowerCase(Locale.ROOT);
    return type.equals(HttpAnswers.JSON)
        || (type.startsWith("application/") && type.endsWith("+json") && type.indexOf('/') == 11);
  }

  private static String method(APIGatewayV2HTTPEvent event) {
    if (event.getRequestContext() != null && event.getRequestContext().getHttp() != null) {
      String method = event.getRequestContext().getHttp().getMethod();
      if (method != null) {
        return method.toUpperCase(Locale.ROOT);
      }
    }
    return "GET";
  }

  /** The request path without a named stage's prefix and without a trailing slash. */
  static String path(APIGatewayV2HTTPEvent event) {
    String path = event.getRawPath();
    if (path == null && event.getRequestContext() != null) {
      path =
          event.getRequestContext().getHttp() == null
              ? null
              : event.getRequestContext().getHttp().getPath();
    }
    if (path == null || path.isEmpty()) {
      return "/";
    }
    String stage = event.getRequestContext() == null ? null : event.getRequestContext().getStage();
    if (stage != null && !stage.equals("$default") && path.startsWith("/" + stage + "/")) {
      path = path.substring(stage.length() + 1);
    }
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String body(APIGatewayV2HTTPEvent event) {
    String body = event.getBody();
    if (body == null || !event.getIsBase64Encoded()) {
      return body;
    }
    try {
      return new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("body", "is marked base64-encoded but is not valid base64");
    }
  }

  /** Before a SnapStart snapshot: primes request parsing, the envelope and the SQS send path. */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    JobRequest request =
        JobRequestReader.one(
            "{\"key\":\"priming\",\"type\":\"priming\",\"payload\":{\"qty\":1},\"jobId\":\"p\"}");
    String envelope = JobEnvelope.of(request, "priming", Instant.EPOCH).toJson();
    HttpAnswers.json(202, JsonNodeFactory.instance.objectNode().put("jobId", "priming"));
    MessageAttributeValue ring =
        MessageAttributeValue.builder().dataType("String").stringValue("priming").build();
    Priming.sqs(
        region,
        client ->
            Priming.dry(
                "SendMessage",
                () ->
                    client.sendMessage(
                        r ->
                            r.queueUrl(queueUrl)
                                .messageBody(envelope)
                                .messageGroupId(this.ring.laneFor("priming").id())
                                .messageDeduplicationId("priming")
                                .messageAttributes(Map.of(Enqueuer.RING_ATTRIBUTE, ring)))));
    log.info("event=enqueue_function_primed queue={}", queueUrl);
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {}
}
