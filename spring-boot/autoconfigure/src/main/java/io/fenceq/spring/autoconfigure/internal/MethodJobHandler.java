package io.fenceq.spring.autoconfigure.internal;

import io.fenceq.engine.Job;
import io.fenceq.engine.JobContext;
import io.fenceq.engine.JobHandler;
import io.fenceq.spring.autoconfigure.FenceqHandlerException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.ReflectionUtils;

/**
 * A {@code @FenceqHandler} method as a {@link JobHandler}: each parameter is the job or its
 * context, decided once when it is made. What the method throws is what the handler throws, so the
 * engine fails (or fences) the job exactly as for any other handler.
 */
public final class MethodJobHandler implements JobHandler {
  private enum Argument {
    JOB,
    CONTEXT
  }

  private final Object bean;
  private final Method method;
  private final Argument[] arguments;
  private final String description;

  /**
   * @throws FenceqHandlerException if a parameter is neither a {@link Job} nor a {@link
   *     JobContext}, or one of them comes twice
   */
  public MethodJobHandler(Object bean, Method method, String description) {
    this.bean = bean;
    this.description = description;
    Class<?>[] types = method.getParameterTypes();
    this.arguments = new Argument[types.length];
    for (int i = 0; i < types.length; i++) {
      Argument a =
          types[i] == Job.class
              ? Argument.JOB
              : types[i] == JobContext.class ? Argument.CONTEXT : null;
      if (a == null || Arrays.asList(arguments).subList(0, i).contains(a)) {
        throw new FenceqHandlerException(
            description
                + " may take only a Job and a JobContext, each at most once; its parameters are "
                + Arrays.stream(types).map(Class::getSimpleName).toList());
      }
      arguments[i] = a;
    }
    this.method = AopUtils.selectInvocableMethod(method, bean.getClass());
    ReflectionUtils.makeAccessible(this.method);
  }

  @Override
  public void handle(Job job, JobContext context) throws Exception {
    Object[] values = new Object[arguments.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = arguments[i] == Argument.JOB ? job : context;
    }
    try {
      method.invoke(bean, values);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
