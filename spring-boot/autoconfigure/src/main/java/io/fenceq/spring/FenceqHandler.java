package io.fenceq.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the job type a bean handles. On a method of any bean, the method runs the jobs of that
 * type; its parameters are a {@link io.fenceq.engine.Job}, a {@link io.fenceq.engine.JobContext},
 * both or neither, in any order, and its return value is ignored. On a {@link
 * io.fenceq.engine.JobHandler} bean (its class or its {@code @Bean} method), that handler runs
 * them.
 *
 * <pre>{@code
 * @Component
 * class Inventory {
 *   @FenceqHandler("reserve")
 *   void reserve(Job job, JobContext context) {
 *     fence.apply(..., context.fenceToken(), context.seq());
 *   }
 * }
 * }</pre>
 *
 * <p>Each job type has one handler: a second one for the same type fails start-up, naming both.
 * Returning marks the job done; throwing fails it (see {@link io.fenceq.engine.JobHandler}).
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FenceqHandler {
  /** The job type, as producers name it in {@code JobRequest.of(key, type, payload)}. */
  String value();

  /**
   * This type's time limit per job, as Spring writes durations ({@code 30s}, {@code 5m}); empty
   * (the default): {@code fenceq.worker.job-time-limit}.
   */
  String timeLimit() default "";
}
