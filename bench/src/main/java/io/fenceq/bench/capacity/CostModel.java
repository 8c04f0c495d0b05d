package io.fenceq.bench.capacity;

import java.util.ArrayList;
import java.util.List;

/**
 * Billed requests per job, and dollars per million jobs, of fenceq and of the two designs it is
 * measured against. Every payload is at most 64 KiB and every item at most 1 KB, so a request is
 * one billed request and a write one write unit.
 */
public final class CostModel {
  /** Seconds in the month AWS prices by (730 hours). */
  public static final double SECONDS_PER_MONTH = 730 * 3600.0;

  /** One kind of billed request of a design. */
  public record Line(String service, String request, double perJob, double usdPerMillion) {
    public double usdPerMillionJobs() {
      return perJob * usdPerMillion;
    }
  }

  /** A design's billed requests, and what it pays by the hour whatever the load. */
  public record Design(String name, List<Line> lines, double fixedUsdPerHour) {
    public Design {
      lines = List.copyOf(lines);
    }

    public double requestsPerJob() {
      return lines.stream().mapToDouble(Line::perJob).sum();
    }

    /** Dollars per million jobs at a steady {@code jobsPerSecond}. */
    public double usdPerMillionJobs(double jobsPerSecond) {
      double requests = lines.stream().mapToDouble(Line::usdPerMillionJobs).sum();
      return requests + fixedUsdPerHour / (jobsPerSecond * 3600) * 1_000_000;
    }

    /** Dollars per month at a steady {@code jobsPerSecond}. */
    public double usdPerMonth(double jobsPerSecond) {
      return usdPerMillionJobs(jobsPerSecond) * jobsPerSecond * SECONDS_PER_MONTH / 1_000_000;
    }
  }

  private static final double BATCH = AwsFacts.BATCH_SIZE.value();
  private static final double FIFO = AwsFacts.SQS_FIFO_USD_PER_MILLION.value();
  private static final double STANDARD = AwsFacts.SQS_STANDARD_USD_PER_MILLION.value();
  private static final double WRITE = AwsFacts.DDB_USD_PER_MILLION_WRITES.value();
  private static final double READ = AwsFacts.DDB_USD_PER_MILLION_READS.value();

  private final Load workload;
  private final KeySkew skew;
  private final LaneModel lanes;

  public CostModel(Load workload, KeySkew skew) {
    this.workload = workload;
    this.skew = skew;
    this.lanes = new LaneModel(workload);
  }

  /**
   * Fenced writes per job when the engine coalesces a key's consecutive jobs: the parameter, or
   * derived from the key skew in the lane-batch an average lane runs.
   */
  public double coalescedWritesPerJob() {
    return Double.isNaN(workload.jobsPerKeyBatch())
        ? skew.coalescedWritesPerJob(workload.lanes(), laneBatch(1))
        : 1 / workload.jobsPerKeyBatch();
  }

  /**
   * The lane-batch of an average lane (jobs/s over lanes) at this many fenced writes per job: full
   * under a backlog, smaller when lanes are many for the rate.
   */
  public double laneBatch(double writesPerJob) {
    return lanes.batchSize(workload.jobsPerSecond() / workload.lanes(), writesPerJob);
  }

  /**
   * Lease writes per job: the parameter, or one grant per lane-batch (a batch whose messages are
   * all deleted hands the lease to the lane's next batch; only one that gives messages back
   * releases it).
   */
  public double leaseWritesPerJob(double writesPerJob) {
    return Double.isNaN(workload.leaseWritesPerJob())
        ? 1 / laneBatch(writesPerJob)
        : workload.leaseWritesPerJob();
  }

  /**
   * Heartbeats per job: a lane-batch renews its lease and extends its messages' visibility every
   * third of the lease while it runs.
   */
  double fenceqHeartbeatsPerJob(double writesPerJob) {
    double periodMs = workload.leaseSeconds() * 1000 / 3;
    double batch = laneBatch(writesPerJob);
    return lanes.cycleMs(batch, writesPerJob) / periodMs / batch;
  }

  /** Lock Client heartbeats per job: the lock is held for the handler and the job's write. */
  double lockClientHeartbeatsPerJob() {
    double heldMs = workload.handlerMs() + workload.dynamoDbRoundTripMs();
    return heldMs / (AwsFacts.LOCK_CLIENT_HEARTBEAT_SECONDS.value() * 1000);
  }

  /** fenceq: SQS FIFO lanes, a lease per lane-batch, fenced writes per job or coalesced. */
  public Design fenceq(boolean coalesced) {
    double writes = coalesced ? coalescedWritesPerJob() : 1;
    double heartbeats = fenceqHeartbeatsPerJob(writes);
    double batch = laneBatch(writes);
    List<Line> lines = new ArrayList<>();
    lines.add(new Line("SQS FIFO", "SendMessageBatch (10 a call)", 1 / BATCH, FIFO));
    lines.add(new Line("SQS FIFO", "ReceiveMessage (one a lane-batch)", 1 / batch, FIFO));
    lines.add(new Line("SQS FIFO", "DeleteMessageBatch (one a lane-batch)", 1 / batch, FIFO));
    lines.add(new Line("SQS FIFO", "ChangeMessageVisibilityBatch (heartbeat)", heartbeats, FIFO));
    lines.add(
        new Line(
            "DynamoDB", "lease grant (handed over, no release)", leaseWritesPerJob(writes), WRITE));
    lines.add(new Line("DynamoDB", "lease renew (heartbeat)", heartbeats, WRITE));
    lines.add(
        new Line(
            "DynamoDB", coalesced ? "fenced write, coalesced" : "fenced write", writes, WRITE));
    return new Design(coalesced ? "fenceq, coalesced writes" : "fenceq, a write per job", lines, 0);
  }

  /**
   * A per-job lock with the DynamoDB Lock Client: a consistent read and a conditional put to
   * acquire, a heartbeat every 5 s while held, a delete to release, the job's own write; jobs
   * delivered by an SQS standard queue, or by something that costs nothing here.
   */
  public Design lockClient(boolean withQueue) {
    double heartbeats = lockClientHeartbeatsPerJob();
    List<Line> lines = new ArrayList<>();
    if (withQueue) {
      addStandardQueue(lines);
    }
    lines.add(new Line("DynamoDB", "lock: GetItem, consistent", 1, READ));
    lines.add(new Line("DynamoDB", "lock: PutItem, conditional", 1, WRITE));
    lines.add(new Line("DynamoDB", "lock: heartbeat UpdateItem", heartbeats, WRITE));
    lines.add(new Line("DynamoDB", "lock: DeleteItem", 1, WRITE));
    lines.add(new Line("DynamoDB", "the job's write", 1, WRITE));
    return new Design(
        withQueue ? "per-job Lock Client + SQS standard" : "per-job Lock Client, no queue",
        lines,
        0);
  }

  /**
   * Redlock on ElastiCache: N single-node Redis servers billed by the hour, a SET NX PX and a DEL
   * to each per job (requests are not billed), the job's write, SQS standard delivery.
   */
  public Design redlock() {
    List<Line> lines = new ArrayList<>();
    addStandardQueue(lines);
    lines.add(new Line("DynamoDB", "the job's write", 1, WRITE));
    return new Design(
        "Redlock, " + workload.redlockNodes() + " ElastiCache nodes + SQS standard",
        lines,
        workload.redlockNodes() * workload.redisNodeUsdPerHour());
  }

  /** Redis commands Redlock sends per job: SET NX PX and the releasing DEL, to every node. */
  public int redlockCommandsPerJob() {
    return 2 * workload.redlockNodes();
  }

  /** Nodes that must grant a Redlock: a majority. */
  public int redlockQuorum() {
    return workload.redlockNodes() / 2 + 1;
  }

  /** The designs compared, in the order the report prints them. */
  public List<Design> designs() {
    return List.of(fenceq(false), fenceq(true), lockClient(true), lockClient(false), redlock());
  }

  private static void addStandardQueue(List<Line> lines) {
    lines.add(new Line("SQS standard", "SendMessageBatch (10 a call)", 1 / BATCH, STANDARD));
    lines.add(new Line("SQS standard", "ReceiveMessage (10 a call)", 1 / BATCH, STANDARD));
    lines.add(new Line("SQS standard", "DeleteMessageBatch (10 a call)", 1 / BATCH, STANDARD));
  }
}
