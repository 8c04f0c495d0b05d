package io.fenceq.tests.lease;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.fenceq.fence.DynamoDbFence;
import io.fenceq.fence.FenceResult;
import io.fenceq.fence.FenceToken;
import io.fenceq.lease.AcquireResult;
import io.fenceq.lease.ExpiryMode;
import io.fenceq.lease.Lease;
import io.fenceq.lease.LeaseConfig;
import io.fenceq.lease.LeaseLoss;
import io.fenceq.lease.LeaseRefusal;
import io.fenceq.lease.LeaseStore;
import io.fenceq.lease.RenewResult;
import io.fenceq.tests.support.TestAws;
import io.fenceq.tests.support.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * 16 workers contend for 8 leases on DynamoDB Local, per expiry mode, until every lease has been
 * granted at least {@value #MIN_GRANTS_PER_LEASE} times (however long the machine takes). Each
 * worker's wall clock is skewed by -300, 0 or +300 ms against a 1 s lease; holders renew, make
 * fenced writes to their lease's entity, and then release, or (one in ten) vanish without
 * releasing. Checked afterwards:
 *
 * <ul>
 *   <li>the fences granted for one lease are unique, gapless, and strictly increasing in grant
 *       order (a grant whose response came before another's request has the smaller fence);
 *   <li>an entity accepts writes in fence order and refuses a write only after a newer fence wrote;
 *   <li>in {@code OBSERVED} mode, no two holders of one lease are ever valid at once: each holder's
 *       window (from its grant's response to its release, loss, or local deadline) ends before the
 *       next holder's begins.
 * </ul>
 */
class LeaseContentionTest {
  private static final int WORKERS = 16;
  private static final int LEASES = 8;
  private static final int MIN_GRANTS_PER_LEASE = 12;

  /** Only stops a run that cannot make progress; the run normally ends on its grant count. */
  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(3);

  private static final Duration OP = Duration.ofMillis(1);
  private static final LeaseConfig BASE =
      LeaseConfig.builder()
          .leaseDuration(Duration.ofSeconds(1))
          .renewInterval(Duration.ofMillis(300))
          .build();

  private static TestStack stack;
  private static DynamoDbClient dynamoDb;
  private static String entities;
  private static Level savedLevel;

  @BeforeAll
  static void provision() {
    stack = TestAws.get().newStack("contention");
    dynamoDb = TestAws.get().dynamoDb();
    entities = TestAws.get().newEntityTable("contention");
    // Thousands of expected losses and fenced writes would each log a warning.
    Logger fenceq = (Logger) LoggerFactory.getLogger("io.fenceq");
    savedLevel = fenceq.getLevel();
    fenceq.setLevel(Level.ERROR);
  }

  @AfterAll
  static void restoreLogging() {
    ((Logger) LoggerFactory.getLogger("io.fenceq")).setLevel(savedLevel);
  }

  /** One grant: its fence, the order of its request and response, and its validity window. */
  private static boolean everyLeaseGrantedEnough(List<Grant> grants) {
    Map<String, Long> counts;
    synchronized (grants) {
      counts = grants.stream().collect(Collectors.groupingBy(Grant::lease, Collectors.counting()));
    }
    return counts.size() == LEASES
        && counts.values().stream().allMatch(n -> n >= MIN_GRANTS_PER_LEASE);
  }

  record Grant(
      String lease, String owner, long fence, long sent, long received, long start, long end) {}

  /** One fenced write to a lease's entity. */
  record Write(String entity, long fence, long seq, FenceResult result, long sent, long received) {}

  @ParameterizedTest
  @EnumSource(ExpiryMode.class)
  void contendedLeasesKeepTheirFencesAndObservedModeNeverOverlaps(ExpiryMode mode)
      throws Exception {
    String prefix = "contended-" + mode + "#";
    VirtualTime time = new VirtualTime(Instant.parse("2026-11-26T12:00:00Z"), WORKERS);
    AtomicLong order = new AtomicLong();
    AtomicLong seq = new AtomicLong(1_000_000_000_000_000_000L);
    List<Grant> grants = Collections.synchronizedList(new ArrayList<>());
    List<Write> writes = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    BooleanSupplier running =
        () -> System.nanoTime() < giveUpAt && !everyLeaseGrantedEnough(grants);
    LeaseConfig config = BASE.toBuilder().expiryMode(mode).build();

    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      Duration skew = Duration.ofMillis(300L * (w % 3 - 1));
      Supplier<LeaseStore> stores =
          () ->
              LeaseStore.builder()
                  .dynamoDb(dynamoDb)
                  .table(stack.leaseTable())
                  .config(config)
                  .ticker(time)
                  .clock(time.clock(skew))
                  .checkTable(false)
                  .build();
      Worker worker =
          new Worker(
              "w" + w, stores, prefix, time, order, seq, grants, writes, running, new Random(w));
      Thread t =
          Thread.ofPlatform()
              .name("contention-" + mode + "-w" + w)
              .unstarted(
                  () -> {
                    try {
                      worker.run();
                    } catch (Throwable e) {
                      failures.add(e);
                    } finally {
                      time.finished();
                    }
                  });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }

    assertThat(failures).isEmpty();
    Map<String, List<Grant>> byLease = grants.stream().collect(Collectors.groupingBy(Grant::lease));
    assertThat(byLease).hasSize(LEASES);
    for (List<Grant> ofLease : byLease.values()) {
      assertThat(ofLease.size())
          .as("grants per lease")
          .isGreaterThanOrEqualTo(MIN_GRANTS_PER_LEASE);
      checkFences(ofLease);
      if (mode == ExpiryMode.OBSERVED) {
        checkNoOverlap(ofLease);
      }
    }
    long overlaps = byLease.values().stream().mapToLong(LeaseContentionTest::overlaps).sum();
    // Outside io.fenceq, whose warnings this test silences.
    LoggerFactory.getLogger("contention")
        .info(
            "event=contention_run mode={} grants={} writes={} fenced={} overlaps={}"
                + " virtualMillis={}",
            mode,
            grants.size(),
            writes.size(),
            writes.stream().filter(x -> x.result() == FenceResult.FENCED).count(),
            overlaps,
            (time.nanos() - VirtualTime.START_NANOS) / 1_000_000);
    Map<String, List<Write>> byEntity =
        writes.stream().collect(Collectors.groupingBy(Write::entity));
    for (List<Write> ofEntity : byEntity.values()) {
      checkEntity(ofEntity);
    }
  }

  /** Unique, gapless, and increasing in real grant order. */
  private static void checkFences(List<Grant> grants) {
    List<Grant> byFence = new ArrayList<>(grants);
    byFence.sort(Comparator.comparingLong(Grant::fence));
    assertThat(byFence.stream().mapToLong(Grant::fence))
        .as("fences of %s", grants.get(0).lease())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, grants.size()).boxed().toList());
    // Scanning from the largest fence down: no larger fence may have been granted (response
    // received) before a smaller one was even requested.
    long earliestReceiptAbove = Long.MAX_VALUE;
    for (int i = byFence.size() - 1; i >= 0; i--) {
      Grant g = byFence.get(i);
      assertThat(earliestReceiptAbove)
          .as("a fence above %d of %s was granted before it was asked for", g.fence(), g.lease())
          .isGreaterThan(g.sent());
      earliestReceiptAbove = Math.min(earliestReceiptAbove, g.received());
    }
  }

  static long overlaps(List<Grant> grants) {
    List<Grant> byFence = new ArrayList<>(grants);
    byFence.sort(Comparator.comparingLong(Grant::fence));
    long n = 0;
    for (int i = 1; i < byFence.size(); i++) {
      if (byFence.get(i - 1).end() > byFence.get(i).start()) {
        n++;
      }
    }
    return n;
  }

  private static void checkNoOverlap(List<Grant> grants) {
    List<Grant> byFence = new ArrayList<>(grants);
    byFence.sort(Comparator.comparingLong(Grant::fence));
    for (int i = 1; i < byFence.size(); i++) {
      Grant previous = byFence.get(i - 1);
      Grant next = byFence.get(i);
      assertThat(previous.end())
          .as("%s still valid when %s was granted", previous, next)
          .isLessThanOrEqualTo(next.start());
    }
  }

  /** Applied writes in fence order; a refusal only after a newer fence wrote; item = last write. */
  private static void checkEntity(List<Write> writes) {
    List<Write> applied = writes.stream().filter(w -> w.result() == FenceResult.APPLIED).toList();
    for (Write x : applied) {
      for (Write y : applied) {
        if (x.received() < y.sent()) {
          assertThat(x.fence())
              .as("applied writes of %s in fence order", x.entity())
              .isLessThanOrEqualTo(y.fence());
        }
      }
    }
    for (Write fenced : writes) {
      if (fenced.result() == FenceResult.FENCED) {
        assertThat(applied)
            .as(
                "a newer fence wrote %s before fence %d was refused",
                fenced.entity(), fenced.fence())
            .anyMatch(a -> a.fence() > fenced.fence() && a.sent() < fenced.received());
      }
    }
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                r ->
                    r.tableName(entities)
                        .key(Map.of("id", AttributeValue.fromS(writes.get(0).entity())))
                        .consistentRead(true))
            .item();
    assertThat(Long.parseLong(item.get("fence").n()))
        .isEqualTo(applied.stream().mapToLong(Write::fence).max().orElseThrow());
    assertThat(Long.parseLong(item.get("seq").n()))
        .isEqualTo(applied.stream().mapToLong(Write::seq).max().orElseThrow());
  }

  /** A contender: acquires whichever lease it may try now, holds it a little, lets it go. */
  private static final class Worker {
    private final String name;
    private final Supplier<LeaseStore> stores;
    private final Map<String, Long> notBefore = new HashMap<>();
    private String owner;
    private LeaseStore store;
    private int incarnation;
    private final String prefix;
    private final VirtualTime time;
    private final AtomicLong order;
    private final AtomicLong seq;
    private final List<Grant> grants;
    private final List<Write> writes;
    private final BooleanSupplier running;
    private final Random random;
    private final DynamoDbFence fence = new DynamoDbFence(dynamoDb);

    Worker(
        String name,
        Supplier<LeaseStore> stores,
        String prefix,
        VirtualTime time,
        AtomicLong order,
        AtomicLong seq,
        List<Grant> grants,
        List<Write> writes,
        BooleanSupplier running,
        Random random) {
      this.name = name;
      this.stores = stores;
      this.prefix = prefix;
      this.time = time;
      this.order = order;
      this.seq = seq;
      this.grants = grants;
      this.writes = writes;
      this.running = running;
      this.random = random;
      restart();
    }

    /**
     * A new process in the worker's place: a new owner id and a store with no observations. A
     * process that vanished and came back under its old owner id would be granted its old lease at
     * once while its previous incarnation might still act: owner ids name incarnations.
     */
    private void restart() {
      owner = name + "." + incarnation++;
      store = stores.get();
      notBefore.clear();
    }

    void run() throws InterruptedException {
      while (running.getAsBoolean()) {
        String lease = pick();
        if (lease == null) {
          time.awaitUntil(
              notBefore.values().stream().mapToLong(Long::longValue).min().orElseThrow());
          continue;
        }
        long sent = order.incrementAndGet();
        AcquireResult result = store.acquire(lease, owner);
        long received = order.incrementAndGet();
        long start = time.nanos();
        time.tick(OP);
        switch (result) {
          case LeaseRefusal refusal ->
              notBefore.put(lease, time.nanos() + refusal.retryAfter().toNanos());
          case Lease granted -> hold(granted, sent, received, start);
        }
      }
    }

    /** A lease this worker may ask for now, starting from a random one; null if none. */
    private String pick() {
      int first = random.nextInt(LEASES);
      for (int i = 0; i < LEASES; i++) {
        String lease = prefix + ((first + i) % LEASES);
        if (notBefore.getOrDefault(lease, Long.MIN_VALUE) <= time.nanos()) {
          return lease;
        }
      }
      return null;
    }

    private void hold(Lease granted, long sent, long received, long start) {
      Lease lease = granted;
      long renewEvery = store.config().renewInterval().toNanos();
      long leaseNanos = store.config().leaseDuration().toNanos();
      int steps = 1 + random.nextInt(6);
      boolean vanish = random.nextInt(10) == 0;
      long end = -1;
      for (int i = 0; i < steps && end < 0; i++) {
        if (!store.isValid(lease)) {
          end = lease.localDeadlineNanos();
        } else if (time.nanos() - (lease.localDeadlineNanos() - leaseNanos) >= renewEvery) {
          RenewResult renewal = store.renew(lease);
          long now = time.nanos();
          time.tick(OP);
          if (renewal instanceof LeaseLoss) {
            end = Math.min(now, lease.localDeadlineNanos());
          } else {
            lease = (Lease) renewal;
          }
        } else if (write(lease) == FenceResult.FENCED) {
          end = Math.min(time.nanos(), lease.localDeadlineNanos());
        }
      }
      if (end < 0 && vanish) {
        end = lease.localDeadlineNanos(); // gone without a release: valid until its deadline
        grants.add(new Grant(lease.id(), owner, lease.fence(), sent, received, start, end));
        restart();
        return;
      } else if (end < 0) {
        end = Math.min(time.nanos(), lease.localDeadlineNanos());
        store.release(lease);
        time.tick(OP);
      }
      notBefore.remove(lease.id());
      grants.add(new Grant(lease.id(), owner, lease.fence(), sent, received, start, end));
    }

    private FenceResult write(Lease lease) {
      String entity = "entity-" + lease.id();
      long s = seq.incrementAndGet();
      UpdateItemRequest update =
          UpdateItemRequest.builder()
              .tableName(entities)
              .key(Map.of("id", AttributeValue.fromS(entity)))
              .updateExpression("SET #by = :by")
              .expressionAttributeNames(Map.of("#by", "writtenBy"))
              .expressionAttributeValues(Map.of(":by", AttributeValue.fromS(owner)))
              .build();
      long sent = order.incrementAndGet();
      FenceResult result = fence.update(update, new FenceToken(lease.fence(), Long.toString(s)));
      long received = order.incrementAndGet();
      time.tick(OP);
      writes.add(new Write(entity, lease.fence(), s, result, sent, received));
      return result;
    }
  }
}
