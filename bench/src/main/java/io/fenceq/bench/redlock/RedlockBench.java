package io.fenceq.bench.redlock;

import io.fenceq.bench.support.Report;
import java.nio.file.Path;

public final class RedlockBench {
  public RedlockBench(Report report, boolean smoke, Path redisServer, int seconds) {}

  public void run() {}
}
