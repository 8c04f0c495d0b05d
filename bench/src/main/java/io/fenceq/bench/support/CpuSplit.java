package io.fenceq.bench.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * Splits this JVM's CPU time between the embedded SQS emulator, the embedded DynamoDB emulator and
 * the rest: the variant's consumers, their SDK clients and the harness. The emulators run in the
 * benchmark's JVM, so the process's CPU time alone charges a variant for the emulators' work too,
 * and their cost per call is not AWS's: the split says which part of a variant's CPU would leave
 * with them.
 *
 * <p>Threads are told apart by name: ElasticMQ's actor system is {@code fenceq-sqs-<n>}; DynamoDB
 * Local serves on Jetty's {@code qtp...} threads and writes on {@code SQLiteQueue...}. A thread
 * that ends between two snapshots takes its CPU time with it; the consumers' share is the process's
 * time less the emulators' measured threads, so what a short-lived emulator thread used would count
 * there (Jetty keeps its threads for a minute, longer than a trial).
 */
public final class CpuSplit {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  /** The parts of the process's CPU time, in nanoseconds, at one moment or between two. */
  public record Parts(long processNanos, long sqsNanos, long dynamoDbNanos) {
    /** The process's time outside both emulators. */
    public long consumerNanos() {
      return processNanos - sqsNanos - dynamoDbNanos;
    }
  }

  /** A snapshot of the process's CPU time and of each emulator thread's. */
  public final class Snapshot {
    private final long processNanos;
    private final Map<Long, Long> sqs;
    private final Map<Long, Long> dynamoDb;

    private Snapshot(long processNanos, Map<Long, Long> sqs, Map<Long, Long> dynamoDb) {
      this.processNanos = processNanos;
      this.sqs = sqs;
      this.dynamoDb = dynamoDb;
    }

    /** What each part used from {@code earlier} to this snapshot. */
    public Parts since(Snapshot earlier) {
      return new Parts(
          processNanos - earlier.processNanos,
          used(sqs, earlier.sqs),
          used(dynamoDb, earlier.dynamoDb));
    }
  }

  /** Takes a snapshot now. */
  public Snapshot now() {
    long process =
        ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime()
            : -1;
    Map<Long, Long> sqs = new HashMap<>();
    Map<Long, Long> dynamoDb = new HashMap<>();
    if (threads.isThreadCpuTimeSupported()) {
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info == null) {
          continue; // ended since the ids were listed
        }
        Map<Long, Long> part = partOf(info.getThreadName(), sqs, dynamoDb);
        if (part != null) {
          long cpu = threads.getThreadCpuTime(info.getThreadId());
          if (cpu >= 0) {
            part.put(info.getThreadId(), cpu);
          }
        }
      }
    }
    return new Snapshot(process, sqs, dynamoDb);
  }

  private static Map<Long, Long> partOf(
      String name, Map<Long, Long> sqs, Map<Long, Long> dynamoDb) {
    if (name.startsWith("fenceq-sqs-")) {
      return sqs;
    }
    if (name.startsWith("qtp") || name.startsWith("SQLiteQueue")) {
      return dynamoDb;
    }
    return null;
  }

  private static long used(Map<Long, Long> now, Map<Long, Long> before) {
    long sum = 0;
    for (Map.Entry<Long, Long> thread : now.entrySet()) {
      sum += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
    }
    return sum;
  }
}
