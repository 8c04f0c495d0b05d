package io.fenceq.worker.internal;

import io.fenceq.engine.JobHandler;
import io.fenceq.worker.HandlerFactory;
import io.fenceq.worker.WorkerConfig;
import io.fenceq.worker.WorkerConfigException;
import io.fenceq.worker.WorkerResources;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/** Loads the {@link HandlerFactory} named by {@value WorkerConfig#HANDLER} and asks it. */
public final class HandlerLoader {
  private HandlerLoader() {}

  /**
   * Instantiates the factory {@code config} names; done before anything else is set up, so that a
   * misspelt class name is the error reported.
   *
   * @throws WorkerConfigException naming the class and what is wrong with it, in one line
   */
  public static HandlerFactory factory(WorkerConfig config) {
    return instantiate(config.handler());
  }

  /**
   * Asks {@code factory} for its handlers.
   *
   * @throws WorkerConfigException if it returns none, or a setting it needs is missing
   */
  public static Map<String, JobHandler> handlers(
      HandlerFactory factory, WorkerResources resources) {
    String name = factory.getClass().getName();
    Map<String, JobHandler> handlers = factory.handlers(resources);
    if (handlers == null || handlers.isEmpty()) {
      throw new WorkerConfigException(
          WorkerConfig.HANDLER + " names " + name + ", whose handlers() returned no handlers");
    }
    return handlers;
  }

  static HandlerFactory instantiate(String name) {
    Class<?> type;
    try {
      type = Class.forName(name, true, HandlerLoader.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw refused(name, "no such class on the class path (" + e + ")", e);
    }
    if (!HandlerFactory.class.isAssignableFrom(type)) {
      throw refused(name, "it does not implement " + HandlerFactory.class.getName(), null);
    }
    try {
      Constructor<?> constructor = type.getConstructor();
      return (HandlerFactory) constructor.newInstance();
    } catch (NoSuchMethodException e) {
      throw refused(name, "it has no public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw refused(name, "its constructor threw " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw refused(name, "it cannot be instantiated (" + e + ")", e);
    }
  }

  private static WorkerConfigException refused(String name, String why, Throwable cause) {
    return new WorkerConfigException(
        WorkerConfig.HANDLER + " names " + name + ", which is not usable: " + why, cause);
  }
}
