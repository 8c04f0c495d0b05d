package io.fenceq.local.demo;

import io.fenceq.aws.AwsClients;
import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.lambda.LambdaConsumer;
import io.fenceq.engine.Job;
import io.fenceq.engine.JobHandler;
import io.fenceq.local.demo.FaultPoints.Point;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.local.lambda.SqsEventSource;
import io.fenceq.testing.faults.CrashSwitch;
import io.fenceq.testing.faults.FaultProxy;
import io.fenceq.testing.faults.PauseGate;
import io.fenceq.testing.faults.SkewedClock;
import io.fenceq.testing.faults.ThrottleInterceptor;
import io.fenceq.worker.Worker;
import io.fenceq.worker.WorkerProgress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The workers of an in-process run: ECS workers, or with {@code --consumer lambda} Lambda execution
 * environments, in this JVM. Each has its own SDK clients (and, with partitions, its own fault
 * proxies) and its own clock, so a fault hits one worker:
 *
 * <ul>
 *   <li>a crash trips the worker's {@link CrashSwitch}: every call of its clients fails from then
 *       on, nothing is released;
 *   <li>a pause closes its {@link PauseGate}: its SDK calls, heartbeats included, and handler
 *       entries wait until it opens;
 *   <li>skew gives it a {@link SkewedClock}, throttling a {@link ThrottleInterceptor} (on half the
 *       workers failing after the server applied the call: the ambiguous 5xx).
 * </ul>
 *
 * Every handler run is recorded in the run's {@link History}. Thread-safe.
 */
final class InProcessFleet implements WorkerFleet {
  /**
   * Concurrent invocations per demo worker (execution environment) with {@code --consumer lambda}.
   */
  static final int LAMBDA_CONCURRENCY = 2;

  private final DemoOptions options;
  private final DemoTarget target;
  private final History history;
  private final LeaseWatch leases;
  private final Map<String, Member> live = new LinkedHashMap<>();
  private final List<CompletableFuture<Void>> stopping = new ArrayList<>();
  private final List<ThrottleInterceptor> throttles = new ArrayList<>();
  private final AtomicLong skewed = new AtomicLong();
  private volatile boolean throttling;
  private WorkerProgress retired = WorkerProgress.none();
  private Arrivals arrivals;
  private int started;

  /** One worker, its faults and the point it is armed for. */
  private static final class Member {
    final String name;
    final CrashSwitch crash;
    final PauseGate gate;
    final List<FaultProxy> proxies = new ArrayList<>();
    final AtomicReference<Point> armed = new AtomicReference<>();
    DemoWorker worker;

    Member(String name) {
      this.name = name;
      this.crash = CrashSwitch.named(name);
      this.gate = PauseGate.named(name);
    }
  }

  InProcessFleet(DemoOptions options, DemoTarget target, History history) {
    this.options = options;
    this.target = target;
    this.history = history;
    this.leases = new LeaseWatch(target.stack().leaseTable());
    this.throttling = options.faults().contains(Fault.THROTTLE);
  }

  @Override
  public Optional<String> banner() {
    return Optional.empty();
  }

  @Override
  public int backlog() {
    return options.maxBacklog();
  }

  @Override
  public void open(Arrivals arrivals) {
    synchronized (this) {
      this.arrivals = arrivals;
    }
    for (int i = 0; i < options.workers(); i++) {
      startWorker();
    }
  }

  @Override
  public void count(boolean now) {
    // The history is counted as the handlers run.
  }

  @Override
  public long applied() {
    return history.tookEffect();
  }

  @Override
  public long deadLettered() {
    return progress().deadLettered();
  }

  @Override
  public String detail() {
    return String.format(
        "fenced %d takeovers %d dlq %d",
        history.fenced(), leases.takeovers(), progress().deadLettered());
  }

  private synchronized WorkerProgress progress() {
    WorkerProgress sum = retired;
    for (Member m : live.values()) {
      sum = sum.plus(m.worker.progress());
    }
    return sum;
  }

  @Override
  public synchronized List<String> live() {
    return List.copyOf(live.keySet());
  }

  @Override
  public boolean armsEveryWorker() {
    return false;
  }

  @Override
  public void arm(String worker, Point point) {
    member(worker).ifPresent(m -> m.armed.set(point));
  }

  @Override
  public boolean disarm(String worker) {
    return member(worker).map(m -> m.armed.getAndSet(null) != null).orElse(false);
  }

  @Override
  public void kill(String worker) {
    member(worker).ifPresent(m -> m.crash.trip());
  }

  @Override
  public void replace(String worker) {
    synchronized (this) {
      Member crashed = live.remove(worker);
      if (crashed == null) {
        return;
      }
      retired = retired.plus(crashed.worker.progress());
      stopping.add(crashed.worker.stop());
    }
    startWorker();
  }

  @Override
  public void freeze(String worker) {
    member(worker).ifPresent(m -> m.gate.pause());
  }

  @Override
  public void thaw(String worker) {
    member(worker).filter(m -> m.gate.paused()).ifPresent(m -> m.gate.resume());
  }

  @Override
  public List<FaultProxy> proxies(String worker) {
    return member(worker).map(m -> List.copyOf(m.proxies)).orElse(List.of());
  }

  @Override
  public long injected(Fault fault) {
    return switch (fault) {
      case SKEW -> skewed.get();
      case THROTTLE -> {
        synchronized (this) {
          yield throttles.stream().mapToLong(ThrottleInterceptor::injected).sum();
        }
      }
      default -> 0;
    };
  }

  @Override
  public void endThrottling() {
    List<ThrottleInterceptor> all;
    synchronized (this) {
      throttling = false;
      all = List.copyOf(throttles);
    }
    all.forEach(t -> t.rate(0));
  }

  @Override
  public Figures figures() {
    return new Figures(
        history.latencyPercentileMillis(50),
        history.latencyPercentileMillis(99),
        leases.takeovers(),
        history.fenced(),
        history.duplicates());
  }

  @Override
  public void stop() {
    List<CompletableFuture<Void>> all;
    synchronized (this) {
      for (Member m : live.values()) {
        retired = retired.plus(m.worker.progress());
        stopping.add(m.worker.stop());
      }
      live.clear();
      all = List.copyOf(stopping);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized Optional<Member> member(String worker) {
    return Optional.ofNullable(live.get(worker));
  }

  /** Starts one more worker, with its own clients, clock and faults. */
  private void startWorker() {
    Member m;
    int number;
    synchronized (this) {
      number = ++started;
      m = new Member("w" + number);
    }
    AwsClients.Target direct = target.direct();
    boolean partitions = options.faults().contains(Fault.PARTITION);
    AwsClients.Target sqsTarget = direct;
    AwsClients.Target dynamoDbTarget = direct;
    if (partitions) {
      FaultProxy sqsProxy = FaultProxy.start(m.name + "-sqs", direct.sqsEndpoint());
      FaultProxy dynamoDbProxy = FaultProxy.start(m.name + "-dynamodb", direct.dynamoDbEndpoint());
      m.proxies.add(sqsProxy);
      m.proxies.add(dynamoDbProxy);
      sqsTarget =
          new AwsClients.Target(
              sqsProxy.endpoint(),
              direct.dynamoDbEndpoint(),
              direct.region(),
              direct.credentials());
      dynamoDbTarget =
          new AwsClients.Target(
              direct.sqsEndpoint(),
              dynamoDbProxy.endpoint(),
              direct.region(),
              direct.credentials());
    }
    ThrottleInterceptor throttle = throttle(number);
    SqsClient sqs = AwsClients.sqs(sqsTarget, clientOptions(m, throttle, false));
    DynamoDbClient dynamoDb = AwsClients.dynamoDb(dynamoDbTarget, clientOptions(m, throttle, true));
    ConsumerConfig config =
        ConsumerConfig.builder()
            .queueUrl(target.stack().workQueueUrl())
            .deadLetterQueueUrl(target.stack().dlqUrl())
            .leaseTable(target.stack().leaseTable())
            .lanes(target.stack().lanes())
            .ringEpochs(options.reshards())
            .leaseDuration(options.lease())
            .shutdownTimeout(options.lease())
            .receiveWait(DemoRunner.RECEIVE_WAIT)
            .workerId("demo-" + m.name + "-" + Long.toHexString(System.nanoTime() & 0xffffff))
            .build();
    Reservations handler =
        new Reservations(
            dynamoDb,
            target.stack().inventoryTable(),
            options.fencing(),
            m.name,
            FaultPoints.at((point, job) -> meet(m, point, job)),
            history);
    Map<String, JobHandler> handlers = new LinkedHashMap<>();
    handler.handlers().forEach((type, h) -> handlers.put(type, m.crash.wrap(m.gate.wrap(h))));
    Clock clock = clock(number);
    m.worker =
        options.consumer() == ConsumerHost.LAMBDA
            ? startEnvironment(m, sqs, dynamoDb, config, handlers, clock)
            : new DemoWorker(
                Worker.builder()
                    .config(config)
                    .sqs(sqs)
                    .dynamoDb(dynamoDb)
                    .handlers(handlers)
                    .clock(clock)
                    .backoffBase(DemoRunner.BACKOFF_BASE)
                    .backoffCap(DemoRunner.BACKOFF_CAP)
                    .build()
                    .start(),
                sqs,
                dynamoDb,
                m.proxies);
    synchronized (this) {
      live.put(m.name, m);
    }
  }

  /**
   * Starts one Lambda execution environment in place of a worker: a local SQS event source invoking
   * a Lambda consumer on the environment's own (faulted) clients and clock. The function timeout is
   * the demo's lease, which the queue's visibility equals; each invocation leases its lanes for its
   * remaining time less a reserve, and gives up on a lane still running shortly before that lease
   * ends. A crash kills the environment's clients mid-batch; the event source is then replaced.
   */
  private DemoWorker startEnvironment(
      Member m,
      SqsClient sqs,
      DynamoDbClient dynamoDb,
      ConsumerConfig config,
      Map<String, JobHandler> handlers,
      Clock clock) {
    ConsumerConfig lambdaConfig =
        config.toBuilder()
            .engine(
                config.engine().toBuilder()
                    .backoffBase(DemoRunner.BACKOFF_BASE)
                    .backoffCap(DemoRunner.BACKOFF_CAP)
                    .build())
            .build();
    LambdaConsumer consumer =
        LambdaConsumer.builder()
            .config(lambdaConfig)
            .sqs(sqs)
            .dynamoDb(dynamoDb)
            .handlers(handlers)
            .clock(clock)
            .build();
    SqsEventSource source;
    try {
      source =
          SqsEventSource.builder()
              .sqs(sqs)
              .queueUrl(target.stack().workQueueUrl())
              .function(consumer::process)
              .config(
                  EventSourceConfig.builder()
                      .functionName("fenceq-demo-" + m.name)
                      .maximumConcurrency(LAMBDA_CONCURRENCY)
                      .functionTimeout(options.lease())
                      .receiveWait(DemoRunner.RECEIVE_WAIT)
                      .shutdownTimeout(options.lease())
                      .build())
              .start();
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    return DemoWorker.lambda(m.name, source, consumer, sqs, dynamoDb, m.proxies);
  }

  private AwsClients.Options clientOptions(
      Member m, ThrottleInterceptor throttle, boolean watchLeases) {
    AwsClients.Options.Builder b = AwsClients.Options.builder();
    if (options.faults().contains(Fault.PARTITION)) {
      // A dropped connection answers nothing: without a limit an attempt would wait for the
      // socket timeout (30 s) instead of failing and being retried.
      b.apiCallAttemptTimeout(options.lease().dividedBy(2));
    }
    if (watchLeases) {
      b.interceptor(leases);
    }
    b.interceptor(m.crash).interceptor(m.gate);
    if (throttle != null) {
      throttle.addTo(b);
    }
    return b.build();
  }

  private ThrottleInterceptor throttle(int number) {
    if (!options.faults().contains(Fault.THROTTLE)) {
      return null;
    }
    synchronized (this) {
      ThrottleInterceptor throttle =
          ThrottleInterceptor.builder()
              .seed(options.seed() * 1_000 + number)
              .rate(throttling ? FaultPlan.THROTTLE_RATE : 0)
              .build();
      // Half the workers lose answers to writes that were applied: the ambiguous 5xx.
      throttle.timing(
          number % 2 == 0 ? ThrottleInterceptor.Timing.AFTER : ThrottleInterceptor.Timing.BEFORE);
      throttles.add(throttle);
      return throttle;
    }
  }

  private Clock clock(int number) {
    if (!options.faults().contains(Fault.SKEW)) {
      return Clock.systemUTC();
    }
    SkewedClock clock =
        SkewedClock.random(Clock.systemUTC(), FaultPlan.MAX_SKEW, options.seed() * 1_000 + number);
    if (!clock.offset().isZero()) {
      skewed.incrementAndGet();
    }
    return clock;
  }

  /** Where an armed crash or pause meets the job, on the job's thread. */
  private void meet(Member m, Point point, Job job) {
    Arrivals to;
    synchronized (this) {
      to = arrivals;
    }
    if (to != null && m.armed.compareAndSet(point, null)) {
      to.arrived(m.name, point, () -> history.acceptedElsewhere(job.jobId(), m.name));
    }
  }
}
