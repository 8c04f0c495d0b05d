package io.fenceq.tests.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import io.fenceq.FenceqException;
import io.fenceq.aws.AwsClients;
import io.fenceq.local.LocalAws;
import io.fenceq.local.lambda.EventSourceConfig;
import io.fenceq.local.lambda.EventSourceProgress;
import io.fenceq.local.lambda.SqsEventSource;
import io.fenceq.testing.Eventually;
import io.fenceq.time.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The event source against the embedded SQS, over HTTP, with small functions that succeed, report
 * failures, throw, answer nonsense, hang or block. Visibility timeouts are short so that failed
 * batches come back within the test; nothing here waits a fixed time.
 */
class SqsEventSourceTest {
  private static final Duration LIMIT = Duration.ofSeconds(90);
  private static final Duration VISIBILITY = Duration.ofSeconds(2);

  private static LocalAws aws;
  private static SqsClient sqs;

  private final List<SqsEventSource> sources = new ArrayList<>();
  private final List<SqsClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    aws = LocalAws.builder().start();
    sqs = aws.sqsClient();
  }

  @AfterAll
  static void stop() {
    if (aws != null) {
      aws.close();
    }
  }

  @AfterEach
  void closeSources() {
    sources.forEach(SqsEventSource::close);
    clients.forEach(SqsClient::close);
  }

  /** Counts the event source's receives: started, waiting now, most waiting at once. */
  private static final class Receives implements ExecutionInterceptor {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger outstanding = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    // One permit per receive started: a test drains it, then waits for the next one.
    final Semaphore startedSince = new Semaphore(0);

    @Override
    public void beforeExecution(
        software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
        ExecutionAttributes attributes) {
      if (context.request() instanceof ReceiveMessageRequest) {
        started.incrementAndGet();
        most.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
        startedSince.release();
      }
    }

    @Override
    public void afterExecution(
        software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
        ExecutionAttributes attributes) {
      if (context.request() instanceof ReceiveMessageRequest) {
        outstanding.decrementAndGet();
      }
    }

    @Override
    public void onExecutionFailure(
        software.amazon.awssdk.core.interceptor.Context.FailedExecution context,
        ExecutionAttributes attributes) {
      if (context.request() instanceof ReceiveMessageRequest) {
        outstanding.decrementAndGet();
      }
    }
  }

  /** A client of the embedded SQS whose calls pass {@code receives}; closed after the sources. */
  private SqsClient receivesCounted(Receives receives) {
    SqsClient client =
        AwsClients.sqs(
            new AwsClients.Target(
                aws.sqsEndpoint(), aws.dynamoDbEndpoint(), aws.region(), aws.credentialsProvider()),
            List.of(receives));
    clients.add(client);
    return client;
  }

  /** What a function saw: each invocation's records, in the order invocations started. */
  private static final class Seen {
    final List<List<SQSMessage>> events = Collections.synchronizedList(new ArrayList<>());

    void add(SQSEvent event) {
      events.add(List.copyOf(event.getRecords()));
    }

    List<SQSMessage> records() {
      synchronized (events) {
        return events.stream().flatMap(List::stream).toList();
      }
    }
  }

  @Test
  void aSuccessfulFunctionHasEveryRecordDeletedInGroupOrder() throws Exception {
    String queue = newQueue(VISIBILITY);
    sendGroups(queue, 3, 20);
    Seen seen = new Seen();
    Map<String, List<Integer>> done = new ConcurrentHashMap<>();

    SqsEventSource source =
        start(
            queue,
            config().maximumConcurrency(3),
            (event, context) -> {
              seen.add(event);
              for (SQSMessage record : event.getRecords()) {
                done.computeIfAbsent(
                        group(record), g -> Collections.synchronizedList(new ArrayList<>()))
                    .add(step(record));
              }
              return new SQSBatchResponse(List.of());
            });
    await("60 deletes", () -> source.progress().deleted() == 60, source::progress);

    for (String group : List.of("g0", "g1", "g2")) {
      assertThat(done.get(group)).as("steps of %s", group).containsExactlyElementsOf(steps(20));
    }
    assertThat(seen.events).allSatisfy(records -> assertThat(records).hasSizeBetween(1, 10));
    EventSourceProgress progress = source.progress();
    assertThat(progress.records()).isEqualTo(60);
    assertThat(progress.itemFailures()).isZero();
    assertThat(progress.failedInvocations()).isZero();
    assertThat(progress.invocations()).isEqualTo(seen.events.size());
    assertThat(messagesLeft(queue)).isZero();
  }

  @Test
  void recordsCarryTheAttributesLambdaSends() throws Exception {
    String queue = newQueue(VISIBILITY);
    sqs.sendMessage(
        r ->
            r.queueUrl(queue)
                .messageBody("{\"hello\":1}")
                .messageGroupId("lane-0042")
                .messageDeduplicationId("job-1")
                .messageAttributes(
                    Map.of(
                        "fenceq.ring",
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue("m3-256")
                            .build())));
    Seen seen = new Seen();

    SqsEventSource source = start(queue, config(), recording(seen));
    await("one delete", () -> source.progress().deleted() == 1, source::progress);

    SQSMessage record = seen.records().get(0);
    assertThat(record.getBody()).isEqualTo("{\"hello\":1}");
    assertThat(record.getMessageId()).isNotBlank();
    assertThat(record.getReceiptHandle()).isNotBlank();
    assertThat(record.getMd5OfBody()).isEqualTo("8590c3ebd8fec6dda546aef5de1d99e8");
    assertThat(record.getEventSource()).isEqualTo("aws:sqs");
    assertThat(record.getEventSourceArn()).isEqualTo(source.queueArn()).endsWith(":" + name(queue));
    assertThat(record.getAwsRegion()).isEqualTo(aws.region().id());
    assertThat(record.getAttributes())
        .containsEntry("ApproximateReceiveCount", "1")
        .containsEntry("MessageGroupId", "lane-0042")
        .containsEntry("MessageDeduplicationId", "job-1")
        .containsKeys(
            "SentTimestamp", "SequenceNumber", "SenderId", "ApproximateFirstReceiveTimestamp");
    assertThat(record.getMessageAttributes().get("fenceq.ring").getStringValue())
        .isEqualTo("m3-256");
    assertThat(record.getMessageAttributes().get("fenceq.ring").getDataType()).isEqualTo("String");
  }

  @Test
  void reportedFailuresComeBackAfterTheirVisibilityAndTheirGroupWaitsForThem() throws Exception {
    String queue = newQueue(VISIBILITY);
    sendGroups(queue, 1, 5);
    List<Integer> effects = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, String> receiveCounts = new ConcurrentHashMap<>();
    AtomicBoolean failedOnce = new AtomicBoolean();

    // Step 2 fails once; the function stops its group there and reports the rest, as FIFO needs.
    SqsEventSource source =
        start(
            queue,
            config(),
            (event, context) -> {
              List<BatchItemFailure> failures = new ArrayList<>();
              for (SQSMessage record : event.getRecords()) {
                receiveCounts.put(
                    step(record), record.getAttributes().get("ApproximateReceiveCount"));
                if (!failures.isEmpty()
                    || (step(record) == 2 && failedOnce.compareAndSet(false, true))) {
                  failures.add(new BatchItemFailure(record.getMessageId()));
                } else {
                  effects.add(step(record));
                }
              }
              return new SQSBatchResponse(failures);
            });
    await("5 deletes", () -> source.progress().deleted() == 5, source::progress);

    assertThat(effects).containsExactly(0, 1, 2, 3, 4);
    assertThat(receiveCounts).containsEntry(0, "1").containsEntry(2, "2").containsEntry(4, "2");
    assertThat(source.progress().itemFailures()).isEqualTo(3);
    assertThat(source.progress().failedInvocations()).isZero();
    assertThat(messagesLeft(queue)).isZero();
  }

  @Test
  void aThrowingFunctionHasItsWholeBatchComeBack() throws Exception {
    assertWholeBatchComesBack(
        (event, context) -> {
          throw new IllegalStateException("first invocation fails");
        });
  }

  @Test
  void anInvalidPartialBatchResponseHasTheWholeBatchComeBack() throws Exception {
    assertWholeBatchComesBack(
        (event, context) -> new SQSBatchResponse(List.of(new BatchItemFailure("no-such-id"))));
  }

  /** The first invocation ends with {@code firstAnswer}; every later one succeeds. */
  private void assertWholeBatchComesBack(RequestHandler<SQSEvent, SQSBatchResponse> firstAnswer)
      throws Exception {
    String queue = newQueue(VISIBILITY);
    sendGroups(queue, 2, 4);
    Seen seen = new Seen();
    AtomicBoolean first = new AtomicBoolean(true);

    SqsEventSource source =
        start(
            queue,
            config().maximumConcurrency(1),
            (event, context) -> {
              seen.add(event);
              return first.getAndSet(false) ? firstAnswer.handleRequest(event, context) : null;
            });
    await("8 deletes", () -> source.progress().deleted() == 8, source::progress);

    List<SQSMessage> failedBatch = seen.events.get(0);
    Set<String> failedIds = ids(failedBatch);
    List<SQSMessage> redelivered =
        seen.records().stream()
            .skip(failedBatch.size())
            .filter(r -> failedIds.contains(r.getMessageId()))
            .toList();
    assertThat(ids(redelivered)).as("every record of the failed batch, again").isEqualTo(failedIds);
    assertThat(redelivered)
        .allSatisfy(
            r -> assertThat(r.getAttributes()).containsEntry("ApproximateReceiveCount", "2"));
    assertThat(source.progress().failedInvocations()).isEqualTo(1);
    assertThat(source.progress().itemFailures()).isZero();
    assertThat(messagesLeft(queue)).isZero();
  }

  @Test
  void aFunctionStillRunningAtItsTimeoutIsInterruptedAndItsBatchComesBack() throws Exception {
    String queue = newQueue(VISIBILITY);
    sendGroups(queue, 1, 3);
    ManualTicker ticker = new ManualTicker();
    AtomicBoolean first = new AtomicBoolean(true);
    CountDownLatch interrupted = new CountDownLatch(1);
    Seen seen = new Seen();

    SqsEventSource source =
        start(
            queue,
            config(),
            ticker,
            (event, context) -> {
              seen.add(event);
              if (first.getAndSet(false)) {
                try {
                  new CountDownLatch(1).await(); // hangs until Lambda gives up on it
                } catch (InterruptedException e) {
                  interrupted.countDown();
                }
              }
              return null;
            });
    await("a hanging invocation", () -> source.progress().inFlight() == 1, source::progress);
    ticker.advance(VISIBILITY);

    assertThat(interrupted.await(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    await("3 deletes", () -> source.progress().deleted() == 3, source::progress);
    assertThat(source.progress().failedInvocations()).isEqualTo(1);
    assertThat(seen.events.get(0)).hasSize(3);
    assertThat(seen.records().stream().skip(3).map(SqsEventSourceTest::step).toList())
        .containsExactly(0, 1, 2);
  }

  @Test
  void oneBatchPerGroupAndAtMostMaximumConcurrencyInvocationsAtOnce() throws Exception {
    String queue = newQueue(VISIBILITY);
    sendGroups(queue, 8, 12);
    Set<String> active = ConcurrentHashMap.newKeySet();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    List<String> overlaps = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch allowedAtOnce = new CountDownLatch(3);

    SqsEventSource source =
        start(
            queue,
            config().maximumConcurrency(3).batchSize(4),
            (event, context) -> {
              mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              Set<String> groups = new HashSet<>();
              event.getRecords().forEach(r -> groups.add(group(r)));
              for (String group : groups) {
                if (!active.add(group)) {
                  overlaps.add(group);
                }
              }
              try {
                // The first invocations wait for each other, bounded: the limit is reached, which
                // the count below proves, and the event source must not start a fourth meanwhile.
                allowedAtOnce.countDown();
                allowedAtOnce.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                active.removeAll(groups);
                running.decrementAndGet();
              }
              return null;
            });
    await("96 deletes", () -> source.progress().deleted() == 96, source::progress);

    assertThat(overlaps).as("groups in two invocations at once").isEmpty();
    assertThat(mostRunning.get()).as("invocations at once").isEqualTo(3);
    assertThat(source.progress().records()).isEqualTo(96);
  }

  @Test
  void closeLetsARunningInvocationFinishAndStopsEveryThread() throws Exception {
    String queue = newQueue(Duration.ofSeconds(60));
    sendGroups(queue, 1, 2);
    CountDownLatch finish = new CountDownLatch(1);

    SqsEventSource source =
        start(
            queue,
            config().shutdownTimeout(LIMIT),
            (event, context) -> {
              try {
                finish.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
              }
              return null;
            });
    await("an invocation", () -> source.progress().inFlight() == 1, source::progress);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(source::close);

    assertThat(closing).isNotDone();
    finish.countDown();
    closing.get(LIMIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(source.progress().deleted()).isEqualTo(2);
    assertThat(source.progress().failedInvocations()).isZero();
    assertThat(liveThreads()).isEmpty();
    source.close(); // idempotent
  }

  @Test
  void closeGivesUpAtItsDeadlineAndDeletesNothing() throws Exception {
    String queue = newQueue(Duration.ofSeconds(60));
    sendGroups(queue, 1, 2);

    SqsEventSource source =
        start(
            queue,
            config().shutdownTimeout(Duration.ZERO),
            (event, context) -> {
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                // returns normally, but too late: the event source gave up on it
              }
              return null;
            });
    await("an invocation", () -> source.progress().inFlight() == 1, source::progress);
    source.close();

    assertThat(source.progress().deleted()).isZero();
    assertThat(messagesLeft(queue)).isEqualTo(2);
    assertThat(liveThreads()).isEmpty();
  }

  @Test
  void aQueueWhoseVisibilityIsShorterThanTheFunctionTimeoutIsRefused() {
    String queue = newQueue(Duration.ofSeconds(5));

    assertThatThrownBy(
            () -> start(queue, config().functionTimeout(Duration.ofSeconds(6)), (e, c) -> null))
        .isInstanceOf(FenceqException.class)
        .hasMessage(
            "queue "
                + queue
                + ": visibility timeout 5 s is less than the function timeout 6000 ms; a batch"
                + " would come back while its invocation still runs");
  }

  @Test
  void noMoreReceivesWaitAtOnceThanThereArePollers() throws Exception {
    String queue = newQueue(VISIBILITY);
    sendGroups(queue, 6, 10);
    Receives receives = new Receives();

    SqsEventSource source =
        start(
            queue,
            config().maximumConcurrency(6).pollers(2).batchSize(2),
            receivesCounted(receives),
            null,
            (event, context) -> null);
    await("60 deletes", () -> source.progress().deleted() == 60, source::progress);
    // Idle now: every poller long-polls the empty queue, which is when more would wait at once.
    int drained = receives.started.get();
    await(
        "idle receives",
        () -> receives.started.get() >= drained + 6,
        () -> receives.started.get() + " receives");

    assertThat(receives.most.get()).as("receives waiting at once").isEqualTo(2);
  }

  @Test
  void fewerPollersStillRunMaximumConcurrencyInvocationsAtOnce() throws Exception {
    String queue = newQueue(VISIBILITY);
    sendGroups(queue, 6, 1);
    CountDownLatch allRunning = new CountDownLatch(6);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostRunning = new AtomicInteger();
    List<Boolean> sawAllRunning = Collections.synchronizedList(new ArrayList<>());

    SqsEventSource source =
        start(
            queue,
            config().maximumConcurrency(6).pollers(2).batchSize(1),
            (event, context) -> {
              mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
              try {
                // Each of the 6 invocations waits, bounded, until all 6 run at once.
                allRunning.countDown();
                sawAllRunning.add(allRunning.await(LIMIT.toSeconds(), TimeUnit.SECONDS));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                running.decrementAndGet();
              }
              return null;
            });
    await("6 deletes", () -> source.progress().deleted() == 6, source::progress);

    assertThat(mostRunning.get()).as("invocations at once").isEqualTo(6);
    assertThat(sawAllRunning).containsExactly(true, true, true, true, true, true);
  }

  @Test
  void noBatchIsReceivedWhileEveryInvocationSlotIsBusy() throws Exception {
    // A timeout would free a slot: the function's is well beyond the window below.
    Duration timeout = Duration.ofSeconds(30);
    String queue = newQueue(timeout);
    sendGroups(queue, 3, 1);
    Receives receives = new Receives();
    AtomicInteger running = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);

    SqsEventSource source =
        start(
            queue,
            config().maximumConcurrency(2).pollers(2).batchSize(1).functionTimeout(timeout),
            receivesCounted(receives),
            null,
            (event, context) -> {
              running.incrementAndGet();
              try {
                release.await(LIMIT.toSeconds(), TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return null;
            });
    await("2 invocations", () -> running.get() == 2, source::progress);
    receives.startedSince.drainPermits();

    // The third group's message is there to be received; no poller may ask for it while both
    // slots are busy. A receive is expected within one receive wait if pollers poll regardless.
    assertThat(receives.outstanding.get()).as("receives waiting").isZero();
    assertThat(receives.startedSince.tryAcquire(3, TimeUnit.SECONDS))
        .as("a receive started while every slot was busy")
        .isFalse();
    assertThat(visibleMessages(queue)).isEqualTo(1);

    release.countDown();
    await("3 deletes", () -> source.progress().deleted() == 3, source::progress);
    assertThat(running.get()).isEqualTo(3);
  }

  // --- helpers ---

  private static EventSourceConfig.Builder config() {
    return EventSourceConfig.builder()
        .functionTimeout(VISIBILITY)
        .receiveWait(Duration.ofSeconds(1))
        .shutdownTimeout(Duration.ofSeconds(30));
  }

  private SqsEventSource start(
      String queue,
      EventSourceConfig.Builder config,
      RequestHandler<SQSEvent, SQSBatchResponse> function) {
    return start(queue, config, null, function);
  }

  private SqsEventSource start(
      String queue,
      EventSourceConfig.Builder config,
      ManualTicker ticker,
      RequestHandler<SQSEvent, SQSBatchResponse> function) {
    return start(queue, config, sqs, ticker, function);
  }

  private SqsEventSource start(
      String queue,
      EventSourceConfig.Builder config,
      SqsClient client,
      ManualTicker ticker,
      RequestHandler<SQSEvent, SQSBatchResponse> function) {
    SqsEventSource.Builder builder =
        SqsEventSource.builder()
            .sqs(client)
            .queueUrl(queue)
            .function(function)
            .config(config.build());
    if (ticker != null) {
      builder.ticker(ticker);
    }
    SqsEventSource source = builder.start();
    sources.add(source);
    return source;
  }

  private static RequestHandler<SQSEvent, SQSBatchResponse> recording(Seen seen) {
    return (SQSEvent event, Context context) -> {
      seen.add(event);
      return null;
    };
  }

  private static String newQueue(Duration visibility) {
    String name = "runner-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
    return sqs.createQueue(
            r ->
                r.queueName(name)
                    .attributes(
                        Map.of(
                            QueueAttributeName.FIFO_QUEUE,
                            "true",
                            QueueAttributeName.VISIBILITY_TIMEOUT,
                            Long.toString(visibility.toSeconds()))))
        .queueUrl();
  }

  /** Sends steps 0 to {@code steps - 1} of groups g0, g1, ..., step by step. */
  private static void sendGroups(String queue, int groups, int steps) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      for (int g = 0; g < groups; g++) {
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id("e" + entries.size())
                .messageBody("g" + g + ":" + step)
                .messageGroupId("g" + g)
                .messageDeduplicationId("g" + g + "-" + step)
                .build());
      }
    }
    for (int from = 0; from < entries.size(); from += 10) {
      List<SendMessageBatchRequestEntry> batch =
          entries.subList(from, Math.min(from + 10, entries.size()));
      assertThat(sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(batch)).failed()).isEmpty();
    }
  }

  private static long visibleMessages(String queue) {
    return Long.parseLong(
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queue)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
  }

  private static long messagesLeft(String queue) {
    Map<QueueAttributeName, String> attributes =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queue)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Long.parseLong(
            attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  private static String group(SQSMessage record) {
    return record.getAttributes().get("MessageGroupId");
  }

  private static int step(SQSMessage record) {
    String body = record.getBody();
    return Integer.parseInt(body.substring(body.indexOf(':') + 1));
  }

  private static List<Integer> steps(int count) {
    List<Integer> steps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      steps.add(i);
    }
    return steps;
  }

  private static Set<String> ids(List<SQSMessage> records) {
    Map<String, Boolean> ordered = new LinkedHashMap<>();
    records.forEach(r -> ordered.put(r.getMessageId(), true));
    return ordered.keySet();
  }

  private static String name(String queueUrl) {
    return queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
  }

  private static List<String> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("fenceq-lambda-"))
        .toList();
  }

  private static void await(String what, BooleanSupplier done, Supplier<Object> state)
      throws InterruptedException {
    Eventually.await(what, LIMIT, done, state);
  }
}
