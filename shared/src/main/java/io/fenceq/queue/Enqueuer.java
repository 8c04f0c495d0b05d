package io.fenceq.queue;

import io.fenceq.internal.Require;
import io.fenceq.queue.internal.BatchPlanner;
import io.fenceq.queue.internal.Json;
import io.fenceq.queue.internal.SqsErrors;
import io.fenceq.queue.internal.SqsText;
import io.fenceq.reshard.RingEpoch;
import io.fenceq.reshard.RingEpochSource;
import io.fenceq.reshard.internal.RingEpochCache;
import io.fenceq.ring.HashRing;
import io.fenceq.ring.Lane;
import io.fenceq.stats.StatsPublisher;
import io.fenceq.time.Ticker;
import io.fenceq.trace.FenceqTracing;
import io.fenceq.trace.internal.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * Enqueues jobs instead of taking a lock: each job goes to the SQS FIFO queue with {@code
 * MessageGroupId} = the lane the ring assigns to its key and {@code MessageDeduplicationId} = its
 * job id, so all jobs of one key run one at a time, in order.
 *
 * <p>Every job is validated before anything is sent, the batch included: a bad job never leaves a
 * batch half sent. Request-level throttling and 5xx answers are retried by the SQS client's own
 * retry strategy; entries of a batch that SQS fails on its side are retried here, except where a
 * later job of the same key was already accepted, because resending the earlier one would put the
 * key's jobs out of order (those are reported as {@code OrderHazard}).
 *
 * <p>Thread-safe. The SQS client belongs to the caller, who closes it.
 */
public final class Enqueuer {
  /** Message attribute naming the ring that chose the lane; consumers refuse a different ring. */
  public static final String RING_ATTRIBUTE = "fenceq.ring";

  /**
   * Message attribute (a number) carrying the ring epoch under which the lane was chosen; absent
   * means epoch 0, so a queue that never reshards sends it on no job. See {@link
   * io.fenceq.reshard.RingEpoch}.
   */
  public static final String EPOCH_ATTRIBUTE = "fenceq.epoch";

  /** How often an enqueuer following the ring's epoch reads it again unless set. */
  public static final Duration DEFAULT_EPOCH_REFRESH = Duration.ofSeconds(10);

  /** SQS's limit of entries in one {@code SendMessageBatch}. */
  public static final int MAX_BATCH_ENTRIES = 10;

  /**
   * What an offloaded job is planned to weigh in a batch: its pointer body and attributes, with
   * room to spare (the pointer is about 200 bytes plus the bucket name).
   */
  private static final int POINTER_BYTES = 1024;

  private static final Logger log = LoggerFactory.getLogger(Enqueuer.class);

  private final SqsClient sqs;
  private final LargePayloads largePayloads;
  private final int offloadAboveBytes;
  private final String queueUrl;
  private final HashRing ring;
  private final Clock clock;
  private final Supplier<String> jobIds;
  private final int maxMessageBytes;
  private final int entryAttempts;
  private final Duration entryBackoff;
  private final Sleeper sleeper;
  private final RingEpochCache epochs;
  private final Routing fixed;
  private volatile Routing routing;
  private final String queueName;
  private final StatsPublisher stats;

  private Enqueuer(Builder b, int maxMessageBytes) {
    this.largePayloads = b.largePayloads;
    this.offloadAboveBytes =
        largePayloads == null
            ? maxMessageBytes
            : Math.min(largePayloads.thresholdBytes(), maxMessageBytes);
    // Sends through the extended client only when jobs may be offloaded; it passes smaller
    // messages through unchanged.
    this.sqs =
        largePayloads == null ? b.sqs : largePayloads.sendingClient(b.sqs, offloadAboveBytes);
    this.queueUrl = b.queueUrl;
    this.ring = b.ring;
    this.clock = b.clock;
    this.jobIds = b.jobIds;
    this.entryAttempts = b.entryAttempts;
    this.entryBackoff = b.entryBackoff;
    this.stats = b.stats;
    this.sleeper = b.sleeper;
    this.maxMessageBytes = maxMessageBytes;
    this.queueName = queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    this.epochs =
        b.ringEpochs == null
            ? null
            : new RingEpochCache(b.ringEpochs, ring, b.ticker, b.epochRefresh, false);
    this.fixed = Routing.of(ring, 0);
    this.routing = fixed;
  }

  /**
   * The ring and message attributes jobs are sent with now: the configured ring, or with {@link
   * Builder#ringEpochs} the ring of the current epoch, as last read (at most the refresh interval
   * ago).
   */
  private Routing routing() {
    if (epochs == null) {
      return fixed;
    }
    RingEpoch now = epochs.current();
    Routing r = routing;
    if (r.epoch != now.epoch() || r.ring.laneCount() != now.lanes()) {
      r = Routing.of(epochs.ring(now.lanes()), now.epoch());
      if (r.epoch != routing.epoch) {
        log.info(
            "event=ring_epoch_changed queue={} epoch={} lanes={}",
            queueName,
            now.epoch(),
            now.lanes());
      }
      routing = r;
    }
    return r;
  }

  /** The ring a job is placed by and the attributes that say so. */
  private record Routing(
      HashRing ring, long epoch, Map<String, MessageAttributeValue> attributes, int bytes) {
    static Routing of(HashRing ring, long epoch) {
      String descriptor = ring.descriptor();
      Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
      attributes.put(
          RING_ATTRIBUTE,
          MessageAttributeValue.builder().dataType("String").stringValue(descriptor).build());
      // SQS counts an attribute's name, data type and value against the message size limit.
      int bytes = utf8Length(RING_ATTRIBUTE) + utf8Length("String") + utf8Length(descriptor);
      if (epoch > 0) {
        String e = Long.toString(epoch);
        attributes.put(
            EPOCH_ATTRIBUTE,
            MessageAttributeValue.builder().dataType("Number").stringValue(e).build());
        bytes += utf8Length(EPOCH_ATTRIBUTE) + utf8Length("Number") + utf8Length(e);
      }
      return new Routing(ring, epoch, Map.copyOf(attributes), bytes);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The queue this enqueuer sends to. */
  public String queueUrl() {
    return queueUrl;
  }

  /**
   * The ring that assigns keys to lanes now: the configured one, or with {@link Builder#ringEpochs}
   * the current epoch's.
   */
  public HashRing ring() {
    return routing().ring;
  }

  /**
   * The largest message the queue accepts, in bytes, as the queue's {@code MaximumMessageSize}
   * says; a job's envelope plus its message attributes must fit.
   */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * The largest job accepted, in bytes (envelope and attributes): {@link #maxMessageBytes()}, or
   * with large payloads their {@link LargePayloads#maxPayloadBytes()}.
   */
  public int maxJobBytes() {
    return largePayloads == null ? maxMessageBytes : largePayloads.maxPayloadBytes();
  }

  /**
   * Enqueues one job.
   *
   * @throws InvalidJobException if the job is refused before sending (too large for the queue)
   * @throws QueueNotFoundException if the queue no longer exists
   * @throws EnqueueException if SQS did not accept the job after the client's retries
   */
  public EnqueueResult enqueue(JobRequest request) {
    Span span = startSpan(1);
    try (Scope ignored = span.makeCurrent()) {
      Routing r = routing();
      EnqueueResult result = send(prepare(request, r, traced(Context.current(), r)));
      if (stats != null) {
        stats.enqueued(result.lane(), 1);
      }
      span.setAttribute(FenceqTracing.KEY, result.key());
      span.setAttribute(FenceqTracing.LANE, result.lane().id());
      span.setAttribute(FenceqTracing.JOB_ID, result.jobId());
      span.setAttribute(FenceqTracing.SEQ, result.sequenceNumber());
      return result;
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getMessage());
      throw e;
    } finally {
      span.end();
    }
  }

  private EnqueueResult send(Prepared job) {
    SendMessageResponse response;
    try {
      response =
          sqs.sendMessage(
              r ->
                  r.queueUrl(queueUrl)
                      .messageBody(job.body)
                      .messageGroupId(job.lane.id())
                      .messageDeduplicationId(job.jobId)
                      .messageAttributes(job.attributes));
    } catch (SdkException e) {
      throw SqsErrors.translate(e, queueUrl, "sending " + job.describe());
    }
    log.debug(
        "event=enqueued queue={} lane={} key={} jobId={} seq={}",
        queueUrl,
        job.lane,
        job.request.key(),
        job.jobId,
        response.sequenceNumber());
    return job.accepted(response.sequenceNumber(), response.messageId());
  }

  /**
   * Enqueues many jobs with {@code SendMessageBatch}, up to {@value #MAX_BATCH_ENTRIES} a request,
   * keeping their order. All jobs are validated first; if one is invalid, or two share a job id,
   * nothing is sent. Once a job fails for good, the later jobs of its key are not sent (they are
   * reported as {@code NotSent} naming it): sending them would run them before it.
   *
   * @return the outcome of every job, accepted or failed with its reason
   * @throws InvalidJobException naming the index of the first invalid job, or both indexes of a
   *     repeated job id; nothing was sent
   */
  public BatchEnqueueResult enqueueAll(List<JobRequest> requests) {
    Span span = startSpan(requests.size());
    try (Scope ignored = span.makeCurrent()) {
      Routing routed = routing();
      BatchEnqueueResult result = sendAll(requests, routed, traced(Context.current(), routed));
      if (stats != null) {
        result.accepted().forEach(r -> stats.enqueued(r.lane(), 1));
      }
      if (!result.failed().isEmpty()) {
        span.setStatus(
            StatusCode.ERROR, result.failed().size() + " of " + requests.size() + " jobs failed");
      }
      return result;
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getMessage());
      throw e;
    } finally {
      span.end();
    }
  }

  private Span startSpan(int jobs) {
    return Telemetry.tracer()
        .spanBuilder(FenceqTracing.ENQUEUE_SPAN)
        .setSpanKind(SpanKind.PRODUCER)
        .setAttribute(FenceqTracing.MESSAGING_SYSTEM, "aws_sqs")
        .setAttribute(FenceqTracing.MESSAGING_DESTINATION, queueName)
        .setAttribute(FenceqTracing.JOBS, (long) jobs)
        .startSpan();
  }

  /** The message attributes of a job sent in {@code context}: the ring's and the trace's. */
  private static Map<String, MessageAttributeValue> traced(Context context, Routing r) {
    Map<String, MessageAttributeValue> trace = Telemetry.inject(context);
    if (trace.isEmpty()) {
      return r.attributes;
    }
    Map<String, MessageAttributeValue> all = new LinkedHashMap<>(trace);
    all.putAll(r.attributes);
    return Map.copyOf(all);
  }

  private BatchEnqueueResult sendAll(
      List<JobRequest> requests, Routing r, Map<String, MessageAttributeValue> messageAttributes) {
    List<Prepared> jobs = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      try {
        jobs.add(
            prepare(
                Objects.requireNonNull(requests.get(i), "job at index " + i),
                r,
                messageAttributes));
      } catch (InvalidJobException e) {
        throw e.atIndex(i);
      }
      jobs.get(i).index = i;
    }
    refuseDuplicateJobIds(jobs);
    int[] sizes = jobs.stream().mapToInt(j -> j.bytes).toArray();
    List<EnqueueResult> accepted = new ArrayList<>();
    List<EnqueueFailure> failed = new ArrayList<>();
    String stopReason = null;
    // The first job of each key that failed for good; its key's later jobs are held back.
    Map<String, EnqueueFailure> failedKeys = new HashMap<>();
    for (BatchPlanner.Batch batch : BatchPlanner.plan(sizes, MAX_BATCH_ENTRIES, maxMessageBytes)) {
      List<Prepared> slice = jobs.subList(batch.from(), batch.to());
      if (stopReason != null) {
        for (Prepared job : slice) {
          failed.add(job.failed("NotSent", stopReason));
        }
        continue;
      }
      List<Prepared> toSend = new ArrayList<>(slice.size());
      for (Prepared job : slice) {
        EnqueueFailure earlier = failedKeys.get(job.request.key());
        if (earlier == null) {
          toSend.add(job);
        } else {
          failed.add(job.behind(earlier));
        }
      }
      if (toSend.isEmpty()) {
        continue;
      }
      int before = failed.size();
      stopReason = sendBatch(toSend, accepted, failed);
      for (EnqueueFailure f : failed.subList(before, failed.size())) {
        failedKeys.merge(f.key(), f, (a, b) -> a.index() <= b.index() ? a : b);
      }
    }
    failed.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return new BatchEnqueueResult(sortAccepted(jobs, accepted), failed);
  }

  /**
   * Sends one planned batch, retrying entries SQS failed on its side.
   *
   * @return null to go on, or why the remaining batches must not be sent
   */
  private String sendBatch(
      List<Prepared> batch, List<EnqueueResult> accepted, List<EnqueueFailure> failed) {
    List<Prepared> pending = batch;
    for (int attempt = 1; ; attempt++) {
      SendMessageBatchResponse response;
      try {
        List<SendMessageBatchRequestEntry> entries = entries(pending);
        response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
      } catch (SdkException e) {
        RuntimeException error =
            SqsErrors.translate(e, queueUrl, "sending a batch of " + pending.size() + " jobs");
        for (Prepared job : pending) {
          failed.add(job.failed(SqsErrors.code(e), error.getMessage()));
        }
        return "not sent after an earlier batch failed: " + error.getMessage();
      }
      Set<String> acceptedKeysAfter = new HashSet<>();
      boolean[] ok = new boolean[pending.size()];
      for (SendMessageBatchResultEntry entry : response.successful()) {
        int i = Integer.parseInt(entry.id());
        ok[i] = true;
        accepted.add(pending.get(i).accepted(entry.sequenceNumber(), entry.messageId()));
      }
      BatchResultErrorEntry[] errors = new BatchResultErrorEntry[pending.size()];
      for (BatchResultErrorEntry entry : response.failed()) {
        errors[Integer.parseInt(entry.id())] = entry;
      }
      // Walk backwards so that "a later job of this key was accepted" is known at each entry.
      List<Prepared> retryReversed = new ArrayList<>();
      for (int i = pending.size() - 1; i >= 0; i--) {
        Prepared job = pending.get(i);
        String key = job.request.key();
        if (ok[i]) {
          acceptedKeysAfter.add(key);
          continue;
        }
        BatchResultErrorEntry error = errors[i];
        if (error == null) {
          failed.add(job.failed("Unknown", "SQS answered neither success nor failure"));
        } else if (Boolean.TRUE.equals(error.senderFault())) {
          failed.add(job.failed(error.code(), "SQS refused the job: " + error.message()));
        } else if (acceptedKeysAfter.contains(key)) {
          failed.add(
              job.failed(
                  "OrderHazard",
                  "SQS failed the job ("
                      + error.code()
                      + ") but accepted a later job of the same key in the same batch; resending"
                      + " it would reorder the key, so it is left to the caller"));
        } else if (attempt >= entryAttempts) {
          failed.add(
              job.failed(
                  error.code(),
                  "SQS failed the job after " + attempt + " attempts: " + error.message()));
        } else {
          retryReversed.add(job);
        }
      }
      retryReversed = holdBackBehindFailures(retryReversed, failed);
      if (retryReversed.isEmpty()) {
        return null;
      }
      log.warn(
          "event=enqueue_entries_retry queue={} jobs={} attempt={}",
          queueUrl,
          retryReversed.size(),
          attempt);
      sleeper.sleep(backoff(attempt));
      pending = new ArrayList<>(retryReversed.reversed());
    }
  }

  /**
   * Drops from the retries each job that comes after a job of its key that has just failed for
   * good, reporting it as not sent: resending it would let it run before that job.
   */
  private static List<Prepared> holdBackBehindFailures(
      List<Prepared> retryReversed, List<EnqueueFailure> failed) {
    Map<String, EnqueueFailure> firstFailure = new HashMap<>();
    for (EnqueueFailure f : failed) {
      firstFailure.merge(f.key(), f, (a, b) -> a.index() <= b.index() ? a : b);
    }
    List<Prepared> kept = new ArrayList<>(retryReversed.size());
    for (Prepared job : retryReversed) {
      EnqueueFailure earlier = firstFailure.get(job.request.key());
      if (earlier != null && earlier.index() < job.index) {
        failed.add(job.behind(earlier));
      } else {
        kept.add(job);
      }
    }
    return kept;
  }

  /**
   * Refuses two jobs with one job id: SQS would take the second for a duplicate of the first and
   * drop it, although the call reported it accepted.
   */
  private static void refuseDuplicateJobIds(List<Prepared> jobs) {
    Map<String, Integer> firstIndex = new HashMap<>();
    for (Prepared job : jobs) {
      Integer first = firstIndex.putIfAbsent(job.jobId, job.index);
      if (first != null) {
        throw new InvalidJobException(
                "jobId",
                "\""
                    + Json.preview(job.jobId)
                    + "\" is also the jobId of the job at index "
                    + first
                    + "; SQS would drop the job at index "
                    + job.index
                    + " as a duplicate, so job ids must differ within one call")
            .atIndex(job.index);
      }
    }
  }

  private static List<EnqueueResult> sortAccepted(
      List<Prepared> jobs, List<EnqueueResult> accepted) {
    Map<String, EnqueueResult> byJobId = new HashMap<>();
    for (EnqueueResult r : accepted) {
      byJobId.put(r.jobId(), r);
    }
    List<EnqueueResult> ordered = new ArrayList<>(accepted.size());
    for (Prepared job : jobs) {
      EnqueueResult r = byJobId.remove(job.jobId);
      if (r != null) {
        ordered.add(r);
      }
    }
    return ordered;
  }

  private List<SendMessageBatchRequestEntry> entries(List<Prepared> pending) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      Prepared job = pending.get(i);
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .messageBody(job.body)
              .messageGroupId(job.lane.id())
              .messageDeduplicationId(job.jobId)
              .messageAttributes(job.attributes)
              .build());
    }
    return entries;
  }

  private Duration backoff(int attempt) {
    long base = entryBackoff.toMillis() << Math.min(attempt - 1, 10);
    long capped = Math.min(base, 5_000);
    // Equal jitter: never less than half the step, so retries still spread out.
    return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
  }

  private Prepared prepare(
      JobRequest request, Routing r, Map<String, MessageAttributeValue> messageAttributes) {
    String jobId = request.jobId() != null ? request.jobId() : jobIds.get();
    if (request.jobId() == null) {
      JobRequest.validateJobId(jobId);
    }
    Lane lane = r.ring.laneFor(request.key());
    String body = JobEnvelope.of(request, jobId, clock.instant()).toJson();
    // JobRequest checks each field; this checks the body as SQS will see it, whatever made it.
    String characters = SqsText.problem(body);
    if (characters != null) {
      throw new InvalidJobException(
          "payload", "the message for key \"" + Json.preview(request.key()) + "\" " + characters);
    }
    int bytes =
        utf8Length(body)
            + (messageAttributes == r.attributes ? r.bytes : Telemetry.bytes(messageAttributes));
    if (largePayloads != null && bytes > largePayloads.maxPayloadBytes()) {
      throw new InvalidJobException(
          "payload",
          "the job for key \""
              + Json.preview(request.key())
              + "\" would be "
              + bytes
              + " bytes (envelope and attributes included), more than the "
              + largePayloads.maxPayloadBytes()
              + " bytes large-payload maximum (maxPayloadBytes) of queue "
              + queueUrl);
    }
    if (largePayloads != null && bytes > offloadAboveBytes) {
      return new Prepared(
          request,
          jobId,
          lane,
          body,
          POINTER_BYTES + (bytes - utf8Length(body)),
          messageAttributes);
    }
    if (bytes > maxMessageBytes) {
      throw new InvalidJobException(
          "payload",
          "the message for key \""
              + Json.preview(request.key())
              + "\" would be "
              + bytes
              + " bytes (envelope and attributes included), more than the "
              + maxMessageBytes
              + " bytes queue "
              + queueUrl
              + " accepts (its MaximumMessageSize)");
    }
    return new Prepared(request, jobId, lane, body, bytes, messageAttributes);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** A validated job with everything needed to send it. */
  private static final class Prepared {
    final JobRequest request;
    final String jobId;
    final Lane lane;
    final String body;
    final int bytes;
    final Map<String, MessageAttributeValue> attributes;
    int index;

    Prepared(
        JobRequest request,
        String jobId,
        Lane lane,
        String body,
        int bytes,
        Map<String, MessageAttributeValue> attributes) {
      this.request = request;
      this.jobId = jobId;
      this.lane = lane;
      this.body = body;
      this.bytes = bytes;
      this.attributes = attributes;
    }

    EnqueueResult accepted(String sequenceNumber, String messageId) {
      return new EnqueueResult(jobId, request.key(), lane, sequenceNumber, messageId);
    }

    EnqueueFailure failed(String code, String reason) {
      return new EnqueueFailure(index, jobId, request.key(), lane, code, reason);
    }

    /** Not sent because an earlier job of its key failed for good. */
    EnqueueFailure behind(EnqueueFailure earlier) {
      return failed(
          "NotSent",
          "not sent: the earlier job "
              + earlier.jobId()
              + " (index "
              + earlier.index()
              + ") of key \""
              + Json.preview(request.key())
              + "\" was not enqueued ("
              + earlier.code()
              + "), and sending this one would run it first");
    }

    String describe() {
      return "job " + jobId + " (key=" + request.key() + " lane=" + lane + ")";
    }
  }

  /** Waits between entry retries; tests replace it so that they never sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration);

    /** Sleeps on the calling thread, keeping its interrupt status if interrupted. */
    static void threadSleep(Duration duration) {
      try {
        Thread.sleep(duration);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EnqueueException("interrupted while waiting to retry an enqueue", e);
      }
    }
  }

  /**
   * Configures an {@link Enqueuer}. {@link #build()} checks that the queue exists and is FIFO, and
   * reads its size limit, so a wrong queue URL fails at start-up, not at the first job.
   */
  public static final class Builder {
    private SqsClient sqs;
    private String queueUrl;
    private HashRing ring;
    private Clock clock = Clock.systemUTC();
    private Supplier<String> jobIds = () -> UUID.randomUUID().toString();
    private int entryAttempts = 5;
    private Duration entryBackoff = Duration.ofMillis(50);
    private Sleeper sleeper = Sleeper::threadSleep;
    private LargePayloads largePayloads;
    private StatsPublisher stats;
    private RingEpochSource ringEpochs;
    private Duration epochRefresh = DEFAULT_EPOCH_REFRESH;
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /**
     * Follows the ring's epoch in {@code source} (a {@link io.fenceq.reshard.RingConfigTable} on
     * the lease table): routes each job with the current epoch's lane count and stamps the epoch on
     * it, reading the epoch at the first job and again once {@code refreshEvery} has passed, never
     * per job (default {@link #DEFAULT_EPOCH_REFRESH}). A reshard waits at least this long before
     * it sends its barriers. Without it (the default) the configured ring is used as is.
     */
    public Builder ringEpochs(RingEpochSource source, Duration refreshEvery) {
      this.ringEpochs = source;
      this.epochRefresh = refreshEvery;
      return this;
    }

    /** Monotonic time for the epoch's refresh interval; default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /**
     * Counts every accepted job on its lane in {@code stats}, which writes the counts to the lease
     * table every few seconds for the console's lane backlog; none by default.
     */
    public Builder stats(StatsPublisher stats) {
      this.stats = stats;
      return this;
    }

    /**
     * Offloads jobs above the threshold to S3 and refuses those above the maximum; without it (the
     * default) a job must fit in one message.
     */
    public Builder largePayloads(LargePayloads largePayloads) {
      this.largePayloads = largePayloads;
      return this;
    }

    public Builder sqs(SqsClient sqs) {
      this.sqs = sqs;
      return this;
    }

    public Builder queueUrl(String queueUrl) {
      this.queueUrl = queueUrl;
      return this;
    }

    public Builder ring(HashRing ring) {
      this.ring = ring;
      return this;
    }

    /** Wall clock for {@code enqueuedAt}. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Generates job ids for requests without one; random UUIDs by default. */
    public Builder jobIds(Supplier<String> jobIds) {
      this.jobIds = jobIds;
      return this;
    }

    /** Sends of a batch entry that SQS fails on its side, the first included (default 5). */
    public Builder entryAttempts(int entryAttempts) {
      this.entryAttempts = entryAttempts;
      return this;
    }

    /** First wait before resending failed batch entries; doubles each time (default 50 ms). */
    public Builder entryBackoff(Duration entryBackoff) {
      this.entryBackoff = entryBackoff;
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    public Enqueuer build() {
      Require.notNull(sqs, "Enqueuer", "sqs");
      Require.argument(queueUrl != null && !queueUrl.isBlank(), "Enqueuer", "queueUrl", queueUrl);
      Require.notNull(ring, "Enqueuer", "ring");
      Require.notNull(clock, "Enqueuer", "clock");
      Require.notNull(jobIds, "Enqueuer", "jobIds");
      Require.notNull(sleeper, "Enqueuer", "sleeper");
      Require.notNull(ticker, "Enqueuer", "ticker");
      Require.argument(
          epochRefresh != null
              && !epochRefresh.isNegative()
              && epochRefresh.compareTo(Duration.ofHours(1)) <= 0,
          "Enqueuer",
          "epochRefresh",
          epochRefresh);
      Require.argument(
          entryAttempts >= 1 && entryAttempts <= 20, "Enqueuer", "entryAttempts", entryAttempts);
      Require.argument(
          entryBackoff != null && !entryBackoff.isNegative() && entryBackoff.toMillis() <= 5_000,
          "Enqueuer",
          "entryBackoff",
          entryBackoff);
      return new Enqueuer(this, checkQueue());
    }

    private int checkQueue() {
      return QueueDescription.read(sqs, queueUrl).requireFifo().maximumMessageSize();
    }
  }
}
