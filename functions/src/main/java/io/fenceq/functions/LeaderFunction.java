package io.fenceq.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.cron.CronEnqueuer;
import io.fenceq.cron.CronJob;
import io.fenceq.functions.internal.AwsTarget;
import io.fenceq.functions.internal.CronJobs;
import io.fenceq.functions.internal.Environment;
import io.fenceq.functions.internal.RingEpochs;
import io.fenceq.leader.LeaderElections;
import io.fenceq.lease.LeaderElection;
import io.fenceq.lease.LeaseStore;
import io.fenceq.queue.EnqueueResult;
import io.fenceq.queue.Enqueuer;
import io.fenceq.reshard.RingEpochSource;
import io.fenceq.ring.HashRing;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The cron leader as a scheduled Lambda function (an EventBridge rule, e.g. {@code rate(1
 * minute)}): the replacement of the "SETNX cron leader". Each invocation tries once to become
 * leader ({@link LeaderElection#runIfLeader}): on the lease item {@code leader#cron}, or with
 * {@code FENCEQ_LEADER_ELECTION=sqs-token} by receiving the token of the FIFO queue {@code
 * FENCEQ_LEADER_TOKEN_QUEUE_URL} (group {@code cron}); as leader it enqueues every tick of the
 * configured schedules that fell due within the last four minutes ({@link CronEnqueuer}), each as
 * the job {@code cron:<name>:<tick>}, then releases. The job id is the SQS deduplication id, so a
 * tick is enqueued once however many invocations (overlapping leaders, EventBridge's retries)
 * enqueue it; the job then runs fenced on its lane like any other.
 *
 * <p>Configuration ({@link #VARIABLES}): {@code FENCEQ_QUEUE_URL} and {@code FENCEQ_LEASE_TABLE}
 * (required), {@code FENCEQ_LEADER_ELECTION} ({@code dynamodb}, the default, or {@code sqs-token},
 * which requires {@code FENCEQ_LEADER_TOKEN_QUEUE_URL}), {@code FENCEQ_LANES} (default 256), {@code
 * FENCEQ_RING_EPOCHS} ({@code true}: the ticks go to the lanes of the ring's current epoch and
 * carry it, read from the lease table's {@code ring#config} item; see docs/resharding.md) and
 * {@value #CRON_JOBS}, a JSON array of schedules ({@link CronJobs}); unset or {@code []} makes
 * every invocation a logged no-op that calls no AWS API. AWS endpoint, region and credentials come
 * from the SDK's variables in the same map ({@link AwsTarget}).
 *
 * <p>Answers a small map: {@code leader} (whether this invocation led), {@code fence} (its
 * leadership's fence, or null) and {@code enqueued} (the job ids SQS accepted, duplicates of
 * earlier enqueues included). A tick that could not be enqueued fails the invocation, so that
 * EventBridge retries it and the failure is in the function's error metric.
 */
public final class LeaderFunction
    implements RequestHandler<ScheduledEvent, Map<String, Object>>, Resource {
  /** The cron jobs, as a JSON array (see {@link CronJobs}). */
  public static final String CRON_JOBS = "FENCEQ_CRON_JOBS";

  /** The {@code FENCEQ_*} variables this function reads. */
  public static final Set<String> VARIABLES =
      Set.of(
          ConsumerConfig.QUEUE_URL,
          ConsumerConfig.LANES,
          ConsumerConfig.LEASE_TABLE,
          CRON_JOBS,
          LeaderElections.ELECTION,
          LeaderElections.TOKEN_QUEUE_URL,
          ConsumerConfig.RING_EPOCHS);

  /** The leadership's name: the lease item is {@code leader#cron}. */
  public static final String LEADER_NAME = "cron";

  private static final Logger log = LoggerFactory.getLogger(LeaderFunction.class);

  private final String queueUrl;
  private final String leaseTable;
  private final LeaderElections.Kind election;
  private final String tokenQueueUrl;
  private final HashRing ring;
  private final List<CronJob> jobs;
  private final SqsClient sqs;
  private final DynamoDbClient dynamoDb;
  private final Clock clock;
  private final RingEpochSource ringEpochs;
  private final Object lock = new Object();

  // Guarded by lock; built at the first invocation, since building them calls AWS.
  private LeaseStore leases;
  private CronEnqueuer cron;
  private LeaderElection elector;

  /** Configured by the process environment, as Lambda runs it. */
  public LeaderFunction() {
    this(System.getenv());
  }

  /**
   * Configured by {@code environment} alone, AWS endpoint, region and credentials included.
   *
   * @throws FunctionConfigException naming the variable that is missing or invalid, and its value
   */
  public LeaderFunction(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The same with the wall clock that decides which ticks are due.
   *
   * @throws FunctionConfigException naming the variable that is missing or invalid, and its value
   */
  public LeaderFunction(Map<String, String> environment, Clock clock) {
    Environment env = new Environment(environment);
    this.queueUrl = env.fifoQueueUrl(ConsumerConfig.QUEUE_URL);
    this.leaseTable = env.required(ConsumerConfig.LEASE_TABLE);
    this.ring =
        HashRing.of(
            env.integer(
                ConsumerConfig.LANES,
                ConsumerConfig.DEFAULT_LANES,
                1,
                Math.min(ConsumerConfig.MAX_LANES, HashRing.MAX_LANES)));
    this.jobs = CronJobs.parse(CRON_JOBS, env.optional(CRON_JOBS));
    try {
      this.election = LeaderElections.Kind.of(env.optional(LeaderElections.ELECTION));
    } catch (IllegalArgumentException e) {
      throw new FunctionConfigException(e.getMessage());
    }
    this.tokenQueueUrl =
        election == LeaderElections.Kind.SQS_TOKEN
            ? env.fifoQueueUrl(LeaderElections.TOKEN_QUEUE_URL)
            : null;
    this.clock = clock;
    AwsClients.Target target = AwsTarget.from(env);
    this.sqs = AwsClients.sqs(target);
    this.dynamoDb = AwsClients.dynamoDb(target);
    this.ringEpochs = RingEpochs.of(env, ring.laneCount(), () -> dynamoDb);
    Core.getGlobalContext().register(this);
    log.info(
        "event=leader_function_ready queue={} leaseTable={} ringEpochs={} cronJobs={}",
        queueUrl,
        leaseTable,
        ringEpochs != null,
        jobs.stream().map(j -> j.name() + "=" + j.schedule()).toList());
  }

  @Override
  public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
    Map<String, Object> result = new LinkedHashMap<>();
    if (jobs.isEmpty()) {
      log.info("event=leader_no_cron_jobs reason=\"{} is empty; nothing to enqueue\"", CRON_JOBS);
      result.put("leader", false);
      result.put("fence", null);
      result.put("enqueued", List.of());
      return result;
    }
    List<String> enqueued = new ArrayList<>();
    AtomicLong fence = new AtomicLong(-1);
    synchronized (lock) {
      LeaderElection leader = elector();
      boolean led =
          leader.runIfLeader(
              f -> {
                fence.set(f);
                for (EnqueueResult r : cron.enqueueDue()) {
                  enqueued.add(r.jobId());
                }
              });
      log.info(
          "event=leader_invoked scheduledAt={} leader={} owner={} fence={} enqueued={}",
          event == null ? null : event.getTime(),
          led,
          leader.owner(),
          led ? fence.get() : "-",
          enqueued);
      result.put("leader", led);
      result.put("fence", led ? fence.get() : null);
      result.put("enqueued", List.copyOf(enqueued));
      return result;
    }
  }

  /** The configured cron jobs. */
  public List<CronJob> jobs() {
    return jobs;
  }

  private LeaderElection elector() {
    if (elector == null) {
      if (leases == null && election == LeaderElections.Kind.DYNAMODB) {
        leases = LeaseStore.builder().dynamoDb(dynamoDb).table(leaseTable).clock(clock).build();
      }
      if (cron == null) {
        Enqueuer.Builder eb =
            Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(ring).clock(clock);
        if (ringEpochs != null) {
          // Read once per refresh interval; a warm function's later invocations reuse the epoch.
          eb.ringEpochs(ringEpochs, Enqueuer.DEFAULT_EPOCH_REFRESH);
        }
        Enqueuer enqueuer = eb.build();
        CronEnqueuer.Builder b = CronEnqueuer.builder().enqueuer(enqueuer).clock(clock);
        jobs.forEach(b::job);
        cron = b.build();
      }
      elector =
          LeaderElections.builder()
              .kind(election)
              .leaseStore(leases)
              .sqs(sqs)
              .tokenQueueUrl(tokenQueueUrl)
              .name(LEADER_NAME)
              .owner("lambda-leader-" + UUID.randomUUID())
              .build();
    }
    return elector;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    // Each tick's job request and its envelope: the JSON paths of the first invocation.
    for (CronJob job : jobs) {
      job.jobAt(clock.instant());
    }
  }

  /** After a SnapStart restore: a new owner id, so restored environments never share one. */
  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    synchronized (lock) {
      elector = null;
    }
  }
}
