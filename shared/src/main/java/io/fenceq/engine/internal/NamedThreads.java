package io.fenceq.engine.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon platform threads named {@code <prefix><n>}, so that a thread dump tells which are the
 * engine's, and so that a host that forgets to close the engine can still exit.
 */
public final class NamedThreads implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger next = new AtomicInteger(1);

  public NamedThreads(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable task) {
    return Thread.ofPlatform().name(prefix + next.getAndIncrement()).daemon(true).unstarted(task);
  }
}
