package io.fenceq.bench.support;

import io.fenceq.local.LocalAws;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits this JVM's CPU time between the embedded SQS emulator, the embedded DynamoDB emulator, the
 * JVM's own threads (garbage collection, the JIT compilers) and the consumers: the variant's
 * threads, their SDK clients and the harness. The emulators run in the benchmark's JVM, so the
 * process's CPU time alone charges a variant for the emulators' work too, and their cost per call
 * is not AWS's: the split says which part of a variant's CPU would leave with them.
 *
 * <p>The emulators' threads are told apart by name: ElasticMQ's start with {@link
 * LocalAws#SQS_THREAD_PREFIX}; DynamoDB Local serves on Jetty's {@code qtp...} threads and writes
 * on {@code SQLiteQueue...}; they live as long as the emulators. The JVM's threads are read from
 * Linux's {@code /proc/self/task} (in 10 ms ticks); elsewhere that part is 0 and counts as the
 * consumers'. The consumers' part is the rest of the process's time, so that it keeps the CPU time
 * of the consumers' threads that end with their trial. GC is caused by every part, the emulators'
 * heavy allocation included, so its share is reported on its own rather than charged to anyone.
 */
public final class CpuSplit {
  /** Linux's USER_HZ: the unit of {@code /proc/.../stat}'s times on every mainstream kernel. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private static final Path TASKS = Path.of("/proc/self/task");

  /** Names (as the kernel keeps them: 15 characters) of HotSpot's GC, JIT and VM threads. */
  private static final List<String> JVM_THREADS =
      List.of("GC Thread", "G1 ", "C1 CompilerThre", "C2 CompilerThre", "VM Thread", "VM Periodic");

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  /** The parts of the process's CPU time, in nanoseconds, between two snapshots. */
  public record Parts(long processNanos, long sqsNanos, long dynamoDbNanos, long jvmNanos) {
    /** The process's time outside both emulators and the JVM's own threads. */
    public long consumerNanos() {
      return processNanos - sqsNanos - dynamoDbNanos - jvmNanos;
    }
  }

  /** A snapshot of the process's CPU time and of each emulator and JVM thread's. */
  public static final class Snapshot {
    private final long processNanos;
    private final Map<Long, Long> sqs;
    private final Map<Long, Long> dynamoDb;
    private final Map<Long, Long> jvm;

    private Snapshot(
        long processNanos, Map<Long, Long> sqs, Map<Long, Long> dynamoDb, Map<Long, Long> jvm) {
      this.processNanos = processNanos;
      this.sqs = sqs;
      this.dynamoDb = dynamoDb;
      this.jvm = jvm;
    }

    /** What each part used from {@code earlier} to this snapshot. */
    public Parts since(Snapshot earlier) {
      return new Parts(
          processNanos - earlier.processNanos,
          used(sqs, earlier.sqs),
          used(dynamoDb, earlier.dynamoDb),
          used(jvm, earlier.jvm));
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
        String name = info.getThreadName();
        Map<Long, Long> part =
            name.startsWith(LocalAws.SQS_THREAD_PREFIX)
                ? sqs
                : name.startsWith("qtp") || name.startsWith("SQLiteQueue") ? dynamoDb : null;
        long cpu = part == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          part.put(info.getThreadId(), cpu);
        }
      }
    }
    return new Snapshot(process, sqs, dynamoDb, jvmThreads());
  }

  /** The JVM's own threads' CPU time by Linux thread id; empty where there is no /proc. */
  private static Map<Long, Long> jvmThreads() {
    Map<Long, Long> jvm = new HashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return jvm;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          if (JVM_THREADS.stream().noneMatch(name::startsWith)) {
            continue;
          }
          String stat = Files.readString(task.resolve("stat"));
          // The fields after the name, which may hold spaces and parentheses: state is the first.
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
          jvm.put(Long.parseLong(task.getFileName().toString()), ticks * NANOS_PER_TICK);
        } catch (IOException | RuntimeException e) {
          // The thread ended while being read: its time is gone from both snapshots' view.
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return jvm;
  }

  private static long used(Map<Long, Long> now, Map<Long, Long> before) {
    long sum = 0;
    for (Map.Entry<Long, Long> thread : now.entrySet()) {
      sum += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
    }
    return sum;
  }
}
