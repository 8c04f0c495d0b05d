package io.fenceq.bench.throughput;

/** One way of draining the backlog; {@link #start()} begins, {@link #close()} stops and waits. */
interface Drain extends AutoCloseable {
  void start();

  /** Jobs finished (deleted from the queue) so far. */
  long done();

  @Override
  void close();
}
