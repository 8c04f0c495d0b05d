package io.fenceq.bench.capacity;

import io.fenceq.bench.support.Report;
import io.fenceq.stats.LaneBacklogs;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run capacity}: prints the AWS facts it uses, then fenceq's capacity and cost model
 * for the given workload, and the lane and queue plan at 100, 1,000 and 10,000 jobs/s. Runs no AWS
 * call and no emulator: it is arithmetic over {@link AwsFacts}.
 */
public final class CapacityBench {
  /** The rates of the plan table. */
  public static final List<Double> PLAN_RATES = List.of(100.0, 1_000.0, 10_000.0);

  private final Report report;
  private final PrintStream out;
  private final Load workload;
  private final KeySkew skew;

  public CapacityBench(Report report, PrintStream out, Load workload) {
    this.report = report;
    this.out = out;
    this.workload = workload;
    this.skew = new KeySkew(workload.keys(), workload.zipfExponent());
  }

  public void run() {
    parameters();
    facts();
    CostModel costs = new CostModel(workload, skew);
    requests(costs);
    List<ScalePlan> plans = new ArrayList<>();
    for (double rate : PLAN_RATES) {
      plans.add(ScalePlan.of(workload.withJobsPerSecond(rate), skew));
    }
    dollars(costs, plans);
    plan(plans);
    dynamoDb(plans);
    ScalePlan here = ScalePlan.of(workload, skew);
    scanWindow(here);
    result(costs, plans, here);
  }

  private void parameters() {
    report.parameter("region, prices", "us-east-1, on demand, first volume tier, no free tier");
    report.parameter("payload", "at most 64 KiB (one billed SQS request), items at most 1 KB");
    report.parameter("jobs/s", workload.jobsPerSecond());
    report.parameter("keys", workload.keys());
    report.parameter("Zipf exponent", workload.zipfExponent());
    report.parameter("lanes", workload.lanes());
    report.parameter(
        "jobs per key batch",
        Double.isNaN(workload.jobsPerKeyBatch())
            ? "derived from the skew"
            : Report.format(workload.jobsPerKeyBatch()));
    report.parameter(
        "lease writes per job",
        Double.isNaN(workload.leaseWritesPerJob())
            ? "derived: 1 per lane-batch"
            : Report.format(workload.leaseWritesPerJob()));
    report.parameter("handler ms per job (besides its write)", workload.handlerMs());
    report.parameter(
        "SQS / DynamoDB round trip ms",
        workload.sqsRoundTripMs() + " / " + workload.dynamoDbRoundTripMs());
    report.parameter("lease seconds", workload.leaseSeconds());
    report.parameter(
        "Redlock", workload.redlockNodes() + " nodes at $" + workload.redisNodeUsdPerHour() + "/h");
  }

  private void facts() {
    List<List<String>> rows = new ArrayList<>();
    for (AwsFacts.Fact f : AwsFacts.all()) {
      rows.add(List.of(f.name(), (num(f.value()) + " " + f.unit()).strip(), f.source()));
    }
    table(
        "AWS facts (stated " + AwsFacts.STATED + ")",
        List.of("fact", "value", "source page"),
        rows);
  }

  private void requests(CostModel costs) {
    List<List<String>> rows = new ArrayList<>();
    for (CostModel.Design d : costs.designs()) {
      for (CostModel.Line l : d.lines()) {
        rows.add(
            List.of(
                d.name(),
                l.service(),
                l.request(),
                num(l.perJob()),
                "$" + num(l.usdPerMillion()),
                "$" + num(l.usdPerMillionJobs())));
      }
      if (d.fixedUsdPerHour() > 0) {
        rows.add(
            List.of(
                d.name(),
                "ElastiCache",
                workload.redlockNodes()
                    + " nodes; "
                    + costs.redlockCommandsPerJob()
                    + " commands per job, "
                    + costs.redlockQuorum()
                    + " must grant",
                "-",
                "$" + num(d.fixedUsdPerHour()) + "/h",
                "$"
                    + num(d.fixedUsdPerHour() / (workload.jobsPerSecond() * 3600) * 1_000_000)
                    + " at "
                    + num(workload.jobsPerSecond())
                    + " jobs/s"));
      }
    }
    table(
        "Billed requests per job",
        List.of(
            "design", "service", "request", "per job", "price per million", "$ per million jobs"),
        rows);
  }

  private void dollars(CostModel costs, List<ScalePlan> plans) {
    List<String> header = new ArrayList<>(List.of("design", "billed requests per job"));
    List<List<CostModel.Design>> byRate = new ArrayList<>();
    List<List<CostModel.Design>> onRuleLanes = new ArrayList<>();
    for (int r = 0; r < PLAN_RATES.size(); r++) {
      double rate = PLAN_RATES.get(r);
      header.add("$/M jobs at " + num(rate) + "/s");
      Load at = workload.withJobsPerSecond(rate);
      byRate.add(new CostModel(at, skew).designs());
      int lanes = plans.get(r).lanes() == 0 ? workload.lanes() : plans.get(r).lanes();
      CostModel rule = new CostModel(at.withLanes(lanes), skew);
      onRuleLanes.add(List.of(rule.fenceq(false), rule.fenceq(true)));
    }
    header.add("$/month at " + num(workload.jobsPerSecond()) + "/s");
    List<CostModel.Design> designs = costs.designs();
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < designs.size(); i++) {
      CostModel.Design d = designs.get(i);
      String name = i < 2 ? d.name() + ", " + workload.lanes() + " lanes" : d.name();
      List<String> row = new ArrayList<>(List.of(name, num(d.requestsPerJob())));
      for (int r = 0; r < PLAN_RATES.size(); r++) {
        row.add("$" + num(byRate.get(r).get(i).usdPerMillionJobs(PLAN_RATES.get(r))));
      }
      row.add("$" + num(d.usdPerMonth(workload.jobsPerSecond())));
      rows.add(row);
      if (i < 2) {
        List<String> rule = new ArrayList<>(List.of(d.name() + ", the rule's lanes", "-"));
        for (int r = 0; r < PLAN_RATES.size(); r++) {
          rule.add("$" + num(onRuleLanes.get(r).get(i).usdPerMillionJobs(PLAN_RATES.get(r))));
        }
        rule.add("-");
        rows.add(rule);
      }
    }
    table("Dollars per million jobs", header, rows);
  }

  private void plan(List<ScalePlan> plans) {
    List<List<String>> rows = new ArrayList<>();
    for (ScalePlan p : plans) {
      rows.add(
          List.of(
              num(p.jobsPerSecond()),
              num(p.hotKeyJobsPerSecond()),
              num(p.laneJobsPerSecond()) + " / " + num(p.hotLaneJobsPerSecond()),
              num(p.lanesInFlight()),
              p.lanes() == 0 ? "none: hot key over its lane" : String.valueOf(p.lanes()),
              num(p.batchOnLanes()) + " / " + num(p.batchOnConfiguredLanes()),
              num(p.requestsPerSecondPerAction()),
              p.queuesHighThroughput() + " / " + p.queuesWithoutHighThroughput(),
              duration(p.secondsToScanWindow())
                  + " / "
                  + duration(p.secondsToScanWindowCoalesced())));
    }
    table(
        "Lanes and queues",
        List.of(
            "jobs/s",
            "hottest key jobs/s",
            "lane capacity jobs/s (a write per job / hot lane coalesced)",
            "lane-batches in flight",
            "lanes (rule)",
            "lane-batch (rule's lanes / " + workload.lanes() + ")",
            "receives/s (" + workload.lanes() + " lanes)",
            "queues (high throughput / without)",
            "hot lane fills the scan window (" + workload.lanes() + " lanes; per job / coalesced)"),
        rows);
  }

  private void dynamoDb(List<ScalePlan> plans) {
    List<List<String>> rows = new ArrayList<>();
    for (ScalePlan p : plans) {
      rows.add(
          List.of(
              num(p.jobsPerSecond()),
              num(p.leaseTableWriteUnits()),
              num(p.leaseItemWriteUnits()),
              num(p.hotItemWriteUnits()) + " / " + num(p.hotItemWriteUnitsCoalesced()),
              num(p.lockTableWriteUnits())));
    }
    table(
        "DynamoDB write units per second (limit "
            + num(AwsFacts.DDB_PARTITION_WRITE_UNITS.value())
            + " per partition, so per item; a new on-demand table "
            + num(AwsFacts.DDB_NEW_ON_DEMAND_WRITE_UNITS.value())
            + ")",
        List.of(
            "jobs/s",
            "fenceq lease table",
            "hottest lane's lease item",
            "hottest key's item (per job / coalesced)",
            "Lock Client lock table"),
        rows);
  }

  private void scanWindow(ScalePlan here) {
    String text =
        String.format(
            Locale.ROOT,
            "At %s jobs/s on %d lanes the hottest lane receives %s jobs/s and runs at most %s"
                + " with its hot key's writes coalesced (%s with a write per job)."
                + " %s A one-off burst of B messages on one lane blocks lanes sent later for"
                + " (B - 120,000) / %s s. Watch ApproximateNumberOfMessagesVisible (alarm well"
                + " below 120,000) and ApproximateAgeOfOldestMessage (it climbs steadily while one"
                + " lane lags, the others do not move it). Per lane, fenceq's stats items"
                + " (stats#lane#NNNN in the lease table, written by StatsPublisher from workers"
                + " with FENCEQ_STATS and from producers through Enqueuer stats, read by"
                + " StatsReader) give each lane's backlog, enqueued minus applied: the console"
                + " lists the deepest lanes and warns from %s messages (%s%% of the window), and"
                + " LaneBacklogs.report publishes %s (the deepest lane, dimension queue; lanes"
                + " are not metric dimensions) and %s; alarm on %s well below 120,000.",
            num(here.jobsPerSecond()),
            workload.lanes(),
            num(here.hotLaneArrivals()),
            num(here.hotLaneJobsPerSecond()),
            num(here.laneJobsPerSecond()),
            Double.isInfinite(here.secondsToScanWindowCoalesced())
                ? "It keeps up: its backlog does not grow."
                : "Its backlog grows by "
                    + num(here.hotLaneArrivals() - here.hotLaneJobsPerSecond())
                    + " messages/s and fills the scan window in "
                    + duration(here.secondsToScanWindowCoalesced())
                    + "; from then on other lanes' newer messages are not delivered.",
            num(here.hotLaneJobsPerSecond()),
            num(LaneBacklogs.WARNING_BACKLOG),
            LaneBacklogs.WARNING_BACKLOG * 100 / LaneBacklogs.FIFO_SCAN_WINDOW,
            LaneBacklogs.MAX_LANE_BACKLOG,
            LaneBacklogs.LANES_NEAR_SCAN_WINDOW,
            LaneBacklogs.MAX_LANE_BACKLOG);
    report.note("FIFO scan window", text);
    out.println();
    out.println("## FIFO scan window");
    out.println();
    out.println(text);
  }

  private void result(CostModel costs, List<ScalePlan> plans, ScalePlan here) {
    double rate = workload.jobsPerSecond();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("jobs_per_s", rate);
    fields.put("fenceq_usd_per_million_jobs", costs.fenceq(false).usdPerMillionJobs(rate));
    fields.put("fenceq_coalesced_usd_per_million_jobs", costs.fenceq(true).usdPerMillionJobs(rate));
    fields.put("lock_client_usd_per_million_jobs", costs.lockClient(true).usdPerMillionJobs(rate));
    fields.put("redlock_usd_per_million_jobs", costs.redlock().usdPerMillionJobs(rate));
    fields.put("coalesced_writes_per_job", costs.coalescedWritesPerJob());
    fields.put("hot_key_share", skew.hottestKeyShare());
    for (ScalePlan p : plans) {
      String at = String.valueOf((long) p.jobsPerSecond());
      fields.put("lanes_" + at, p.lanes() == 0 ? "hot-key" : p.lanes());
      fields.put("queues_ht_" + at, p.queuesHighThroughput());
    }
    fields.put(
        "scan_window_s",
        Double.isInfinite(here.secondsToScanWindowCoalesced())
            ? "never"
            : here.secondsToScanWindowCoalesced());
    out.println();
    report.result(fields);
  }

  private void table(String title, List<String> header, List<List<String>> rows) {
    report.table(title, header, rows);
    out.println();
    out.println("## " + title);
    out.println();
    out.println("| " + String.join(" | ", header) + " |");
    out.println("|" + "---|".repeat(header.size()));
    for (List<String> row : rows) {
      out.println("| " + String.join(" | ", row) + " |");
    }
  }

  static String num(double v) {
    if (Double.isInfinite(v)) {
      return "never";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return Report.format(v);
  }

  static String duration(double seconds) {
    if (Double.isInfinite(seconds)) {
      return "never (keeps up)";
    }
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 7200) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
