package com.example.orders;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.sqs.SqsClient;

/** An order service's use of fenceq: it enqueues an order's steps, and ships them one at a time. */
public final class Orders {
  /** The job type of a step. */
  public static final String STEP = "step";

  private Orders() {}

  /** An enqueuer for the work queue, on the ring the consumers use (the stack's LaneCount). */
  public static Enqueuer enqueuer(SqsClient sqs, String queueUrl, int lanes) {
    return Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(HashRing.of(lanes)).build();
  }

  /** Enqueues the steps of {@code order}; all of them, or an exception naming what was refused. */
  public static void enqueueSteps(Enqueuer enqueuer, String order, List<String> steps) {
    List<JobRequest> jobs =
        steps.stream()
            .map(step -> JobRequest.of(order, STEP, Map.of("step", step)))
            .map(job -> job.withJobId(order + ":" + job.payload().path("step").asText()))
            .toList();
    enqueuer.enqueueAll(jobs).requireAllAccepted();
  }

  /**
   * The handlers: each step is reported with its order. A real handler writes downstream with
   * {@code context.fenceToken()} ({@code DynamoDbFence}, {@code JdbcFencedUpdate}).
   */
  public static Map<String, JobHandler> handlers(BiConsumer<String, String> shipped) {
    return Map.of(
        STEP,
        (Job job, JobContext context) ->
            shipped.accept(job.key(), job.payload().path("step").asText()));
  }
}
