package io.fenceq.lease;

import java.io.Closeable;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * One process's part in electing a leader by name, whatever the mechanism: the DynamoDB lease item
 * ({@link LeaderElector}) or the SQS FIFO token ({@code io.fenceq.leader.SqsTokenElector}). Both
 * tell the same {@link LeadershipListener} and hand out fences the same fenced writes check, so a
 * user switches with one setting ({@code io.fenceq.leader.LeaderElections}).
 */
public interface LeaderElection extends Closeable {
  /** The leadership's name. */
  String name();

  /** This process's identity among the contenders. */
  String owner();

  /** Whether this process leads now, as far as it knows. */
  boolean isLeader();

  /** The fence of the current leadership, or empty when not leader. */
  OptionalLong fence();

  /**
   * Starts competing on a named daemon thread; the listener hears of every gain and loss.
   *
   * @throws IllegalStateException if already started or closed
   */
  void start();

  /**
   * Runs {@code task} with the leader's fence if this process is leader. Started: runs it if
   * leadership is current. Not started: tries once to become leader, runs the task if it did, then
   * gives leadership up.
   *
   * @return whether the task ran
   * @throws IllegalStateException if closed
   */
  boolean runIfLeader(LongConsumer task);

  /** Stops competing and gives up leadership if held, telling the listener. Idempotent. */
  @Override
  void close();
}
