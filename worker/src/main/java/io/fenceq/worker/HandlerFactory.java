package io.fenceq.worker;

import io.fenceq.engine.JobHandler;
import java.util.Map;

/**
 * Creates the job handlers a worker runs, by job type. The worker loads the class named by {@value
 * WorkerConfig#HANDLER} (it needs a public no-argument constructor) and calls {@link #handlers}
 * once at start-up; a job whose type has no handler goes to the dead-letter queue.
 *
 * <pre>{@code
 * public final class MyHandlers implements HandlerFactory {
 *   public Map<String, JobHandler> handlers(WorkerResources resources) {
 *     DynamoDbFence fence = new DynamoDbFence(resources.dynamoDb());
 *     return Map.of("debit", (job, context) -> debit(fence, job, context));
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface HandlerFactory {
  /**
   * @param resources the worker's configuration and AWS clients (the worker closes them)
   * @return handlers by job type, at least one
   * @throws WorkerConfigException if a setting the handlers need is missing
   */
  Map<String, JobHandler> handlers(WorkerResources resources);
}
