package io.fenceq.consumer;

import io.fenceq.engine.JobHandler;
import java.util.Map;

/**
 * Creates the job handlers a consumer runs, by job type. The hosts that load handlers by name (the
 * ECS worker and the Lambda consumer) load the class named by {@value ConsumerConfig#HANDLER} (it
 * needs a public no-argument constructor, see {@link HandlerFactories}) and call {@link #handlers}
 * once at start-up; a job whose type has no handler goes to the dead-letter queue.
 *
 * <pre>{@code
 * public final class MyHandlers implements HandlerFactory {
 *   public Map<String, JobHandler> handlers(HandlerResources resources) {
 *     DynamoDbFence fence = new DynamoDbFence(resources.dynamoDb());
 *     return Map.of("debit", (job, context) -> debit(fence, job, context));
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface HandlerFactory {
  /**
   * @param resources the consumer's configuration, environment and AWS clients (the host closes
   *     them)
   * @return handlers by job type, at least one
   * @throws ConsumerConfigException if a setting the handlers need is missing
   */
  Map<String, JobHandler> handlers(HandlerResources resources);
}
