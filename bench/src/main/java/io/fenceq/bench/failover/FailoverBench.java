package io.fenceq.bench.failover;

import io.fenceq.bench.support.Report;

public final class FailoverBench {
  public FailoverBench(Report report, boolean smoke, int rounds) {}

  public void run() {}
}
