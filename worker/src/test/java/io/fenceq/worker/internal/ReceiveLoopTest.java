package io.fenceq.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.consumer.EmptyReceivePause;
import io.fenceq.engine.BatchOutcome;
import io.fenceq.engine.LaneBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

class ReceiveLoopTest {
  private static final String QUEUE = "http://127.0.0.1:9324/000000000000/q.fifo";
  private static final long WAIT_SECONDS = 10;

  private final BlockingQueue<ReceiveMessageRequest> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<Supplier<List<Message>>> answers = new LinkedBlockingQueue<>();
  private final BlockingQueue<CompletableFuture<BatchOutcome>> batches =
      new LinkedBlockingQueue<>();
  private final List<List<Message>> handed = new ArrayList<>();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final CountingLanes slots = new CountingLanes(4);
  private Thread thread;

  /** An SQS that answers each receive with the next scripted answer, waiting for one if none. */
  private final SqsClient sqs =
      new SqsClient() {
        @Override
        public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
          requests.add(request);
          try {
            Supplier<List<Message>> answer = answers.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            return ReceiveMessageResponse.builder()
                .messages(answer == null ? List.of() : answer.get())
                .build();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ReceiveMessageResponse.builder().build();
          }
        }

        @Override
        public String serviceName() {
          return "sqs";
        }

        @Override
        public void close() {}
      };

  private void start(Duration visibility) {
    run(
        new ReceiveLoop(
            sqs, QUEUE, Duration.ofSeconds(20), visibility, slots, new Progress(), stopping));
  }

  /** Polls short, with a backoff long enough that only a settled lane ends a pause in a test. */
  private void startShortPolling() {
    run(
        new ReceiveLoop(
            sqs,
            QUEUE,
            Duration.ZERO,
            null,
            slots,
            new Progress(),
            stopping,
            new EmptyReceivePause(Duration.ofHours(1), Duration.ofHours(1))));
  }

  private void run(ReceiveLoop loop) {
    thread = Thread.ofPlatform().name("receive-loop-under-test").start(loop);
  }

  @AfterEach
  void stop() throws InterruptedException {
    stopping.countDown();
    slots.close();
    answers.add(List::of);
    thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertThat(thread.isAlive()).as("the loop ended when stopped").isFalse();
  }

  @Test
  void asksForAllAttributesAndAtFirstOneMessagePerFreeSlot() throws Exception {
    start(null);

    ReceiveMessageRequest first = requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);

    assertThat(first.queueUrl()).isEqualTo(QUEUE);
    assertThat(first.maxNumberOfMessages()).isEqualTo(4);
    assertThat(first.waitTimeSeconds()).isEqualTo(20);
    assertThat(first.messageSystemAttributeNames()).contains(MessageSystemAttributeName.ALL);
    assertThat(first.messageAttributeNames()).containsExactly("All");
    assertThat(first.visibilityTimeout()).as("the queue's own visibility").isNull();
  }

  @Test
  void asksForTheLeaseAsVisibilityWhenTold() throws Exception {
    start(Duration.ofSeconds(30));

    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS).visibilityTimeout()).isEqualTo(30);
  }

  @Test
  void eachLaneIsHandedOnItsOwnAndHoldsOneSlotUntilItIsSettled() throws Exception {
    start(null);
    requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);

    answers.add(
        () ->
            List.of(
                message("a", "lane-0001"), message("c", "lane-0002"), message("b", "lane-0001")));
    CompletableFuture<BatchOutcome> lane1 = batches.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    CompletableFuture<BatchOutcome> lane2 = batches.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    requests.poll(WAIT_SECONDS, TimeUnit.SECONDS); // two of four slots free: it polls again
    answers.add(() -> List.of(message("d", "lane-0003"), message("e", "lane-0004")));
    CompletableFuture<BatchOutcome> lane3 = batches.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    batches.poll(WAIT_SECONDS, TimeUnit.SECONDS);

    // Every slot is taken: no poll until a lane is settled.
    assertThat(requests.poll(200, TimeUnit.MILLISECONDS)).isNull();
    lane2.complete(new BatchOutcome(List.of()));
    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
    synchronized (handed) {
      assertThat(handed)
          .extracting(lane -> lane.stream().map(Message::messageId).toList())
          .containsExactly(List.of("a", "b"), List.of("c"), List.of("d"), List.of("e"));
    }
    lane1.complete(new BatchOutcome(List.of()));
    lane3.complete(new BatchOutcome(List.of()));
  }

  @Test
  void aFullReceiveFromOneLaneMakesTheNextAskAFullBatchAndExtraLanesOverdrawTheSlots()
      throws Exception {
    start(null);
    requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);

    // Four of one lane: the lane may hold more, as SQS FIFO batches do with a backlog.
    answers.add(
        () ->
            List.of(
                message("a", "lane-0001"),
                message("b", "lane-0001"),
                message("c", "lane-0001"),
                message("d", "lane-0001")));
    batches.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS).maxNumberOfMessages())
        .isEqualTo(ReceiveLoop.MAX_BATCH);

    // That ask brings five lanes with two slots free: three wait beyond the capacity.
    answers.add(
        () ->
            List.of(
                message("e", "lane-0002"),
                message("f", "lane-0003"),
                message("g", "lane-0004"),
                message("h", "lane-0005"),
                message("i", "lane-0006")));
    for (int i = 0; i < 5; i++) {
      assertThat(batches.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
    }
    slots.awaitFree(-2);
    assertThat(requests.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aLongPollThatCameBackEmptyIsSentAgainAtOnce() throws Exception {
    start(null);
    requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);

    answers.add(List::of);

    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void anEmptyShortPollPausesUntilALaneOfTheLoopSettles() throws Exception {
    startShortPolling();
    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS).waitTimeSeconds()).isZero();
    answers.add(() -> List.of(message("a", "lane-0001")));
    CompletableFuture<BatchOutcome> lane = batches.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    requests.poll(WAIT_SECONDS, TimeUnit.SECONDS); // room is left: it polls again

    answers.add(List::of); // nothing else is available while the lane holds its group

    assertThat(requests.poll(300, TimeUnit.MILLISECONDS))
        .as("no receive sent back to back after an empty one")
        .isNull();
    lane.complete(new BatchOutcome(List.of()));
    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS))
        .as("the settled lane freed its group: poll now")
        .isNotNull();
  }

  @Test
  void aShortPollWithMessagesIsFollowedAtOnceByTheNext() throws Exception {
    startShortPolling();
    requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);

    answers.add(() -> List.of(message("a", "lane-0001")));

    assertThat(batches.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void aFailedReceiveGivesItsRoomBackAndIsRetried() throws Exception {
    start(null);
    requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);

    answers.add(
        () -> {
          throw SdkClientException.create("connection refused");
        });

    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS).maxNumberOfMessages()).isEqualTo(4);
    assertThat(slots.free()).isEqualTo(3); // one slot taken again by the retry
  }

  @Test
  void aBatchWithoutTheEnginesAttributesIsNotHandedOnAndItsSlotComesBack() throws Exception {
    start(null);
    requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);

    answers.add(
        () ->
            List.of(
                Message.builder()
                    .messageId("bare")
                    .body("{}")
                    .attributes(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, "lane-0001"))
                    .build()));

    assertThat(requests.poll(WAIT_SECONDS, TimeUnit.SECONDS)).as("polls again").isNotNull();
    assertThat(batches).isEmpty();
    assertThat(slots.free()).isEqualTo(3);
  }

  private static Message message(String id, String lane) {
    return Message.builder()
        .messageId(id)
        .body("{}")
        .attributes(
            Map.of(
                MessageSystemAttributeName.MESSAGE_GROUP_ID, lane,
                MessageSystemAttributeName.SEQUENCE_NUMBER, "1",
                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"))
        .build();
  }

  /**
   * Counts lanes as the engine does ({@code LaneProcessor.reserveLane}): lanes handed and not yet
   * settled, plus reservations, against a capacity; records what it is handed.
   */
  private final class CountingLanes implements LaneSink {
    private final int capacity;
    private int inFlight;
    private int reserved;
    private boolean closed;

    CountingLanes(int capacity) {
      this.capacity = capacity;
    }

    @Override
    public synchronized int reserve() throws InterruptedException {
      while (!closed && inFlight + reserved >= capacity) {
        wait();
      }
      if (closed) {
        return 0;
      }
      int free = capacity - inFlight - reserved;
      reserved++;
      return free;
    }

    @Override
    public synchronized void release() {
      reserved--;
      notifyAll();
    }

    @Override
    public CompletableFuture<BatchOutcome> submit(LaneBatch lane) {
      synchronized (this) {
        inFlight++;
      }
      CompletableFuture<BatchOutcome> settled = new CompletableFuture<>();
      synchronized (handed) {
        handed.add(lane.messages());
      }
      batches.add(settled);
      return settled.whenComplete(
          (outcome, error) -> {
            synchronized (this) {
              inFlight--;
              notifyAll();
            }
          });
    }

    synchronized void close() {
      closed = true;
      notifyAll();
    }

    synchronized int free() {
      return capacity - inFlight - reserved;
    }

    /** Waits until the room free is {@code expected}: the loop gives its reservation back last. */
    void awaitFree(int expected) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (free() != expected && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(free()).isEqualTo(expected);
    }
  }
}
