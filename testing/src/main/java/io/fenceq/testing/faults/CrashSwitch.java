package io.fenceq.testing.faults;

import io.fenceq.engine.JobHandler;
import io.fenceq.engine.KeyBatchHandler;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Crashes one in-process worker as far as AWS can tell: once {@link #trip() tripped}, every SDK
 * call of the clients it is installed on fails at once with a client error the SDK does not retry,
 * and so does every attempt already under way, even one whose answer has arrived. The worker can no
 * longer release a lease, delete a message, change its visibility or write downstream, exactly like
 * a killed process: its leases run out and its messages reappear after their visibility timeout.
 * Messages a long poll had already taken are lost to it, as they would be to a dead process.
 *
 * <p>Its threads are not stopped by the switch: trip it, then {@code worker.shutdown()} (or {@code
 * close()}). The shutdown's attempts to give messages back and release leases all fail against the
 * tripped switch, so the graceful path changes nothing in AWS, and the worker's threads end within
 * its shutdown timeout. {@link #wrap} makes handlers fail at entry too, for handlers with effects
 * outside these clients.
 *
 * <p>Install it on all of the worker's clients: {@code
 * AwsClients.Options.builder().interceptor(crash)}. A tripped switch stays tripped. Thread-safe.
 */
public final class CrashSwitch implements ExecutionInterceptor {
  private final String name;
  private final AtomicBoolean tripped = new AtomicBoolean();
  private final AtomicLong refused = new AtomicLong();

  private CrashSwitch(String name) {
    this.name = name;
  }

  /** A switch not yet tripped; {@code name} (the worker's) appears in the errors. */
  public static CrashSwitch named(String name) {
    return new CrashSwitch(Objects.requireNonNull(name, "name"));
  }

  /** From now on every call fails. Idempotent. */
  public void trip() {
    tripped.set(true);
  }

  public boolean tripped() {
    return tripped.get();
  }

  /** Calls, attempts, answers and handler runs refused since tripped. */
  public long refused() {
    return refused.get();
  }

  /** {@code handler}, failing at entry once tripped. */
  public JobHandler wrap(JobHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (handler instanceof KeyBatchHandler batch) {
      // Still a batch handler, so that the engine keeps handing it a key's jobs together.
      return (KeyBatchHandler)
          (jobs, context) -> {
            if (tripped.get()) {
              refused.incrementAndGet();
              throw new IllegalStateException("worker " + name + " has crashed");
            }
            return batch.handleBatch(jobs, context);
          };
    }
    return (job, context) -> {
      if (tripped.get()) {
        refused.incrementAndGet();
        throw new IllegalStateException("worker " + name + " has crashed");
      }
      handler.handle(job, context);
    };
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
    refuseIfTripped();
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
    refuseIfTripped();
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes a) {
    refuseIfTripped();
  }

  private void refuseIfTripped() {
    if (tripped.get()) {
      refused.incrementAndGet();
      throw SdkClientException.create("worker " + name + " has crashed: no more AWS calls");
    }
  }

  @Override
  public String toString() {
    return "CrashSwitch[" + name + (tripped() ? " tripped" : "") + "]";
  }
}
