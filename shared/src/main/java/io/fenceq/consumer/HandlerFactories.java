package io.fenceq.consumer;

import io.fenceq.engine.JobHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * Loads the {@link HandlerFactory} named by {@value ConsumerConfig#HANDLER} and asks it for its
 * handlers, with one-line errors naming the variable and the class.
 */
public final class HandlerFactories {
  private HandlerFactories() {}

  /**
   * The factory {@code config} names; a host calls it before anything else is set up, so that a
   * missing or misspelt class name is the error reported.
   *
   * @throws ConsumerConfigException if {@value ConsumerConfig#HANDLER} is not set, or names a class
   *     that is not a usable {@link HandlerFactory}
   */
  public static HandlerFactory load(ConsumerConfig config) {
    return load(
        config
            .handler()
            .orElseThrow(
                () ->
                    new ConsumerConfigException(
                        ConsumerConfig.HANDLER
                            + " is required: set it to your HandlerFactory class, or to "
                            + ConsumerConfig.EXAMPLE_HANDLER
                            + " for the example inventory handlers; got nothing (not set)")));
  }

  /**
   * Instantiates the factory class {@code className} with its public no-argument constructor.
   *
   * @throws ConsumerConfigException naming the class and what is wrong with it, in one line
   */
  public static HandlerFactory load(String className) {
    Class<?> type;
    try {
      type = Class.forName(className, true, HandlerFactories.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw refused(className, "no such class on the class path (" + e + ")", e);
    }
    if (!HandlerFactory.class.isAssignableFrom(type)) {
      throw refused(className, "it does not implement " + HandlerFactory.class.getName(), null);
    }
    try {
      Constructor<?> constructor = type.getConstructor();
      return (HandlerFactory) constructor.newInstance();
    } catch (NoSuchMethodException e) {
      throw refused(className, "it has no public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw refused(className, "its constructor threw " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw refused(className, "it cannot be instantiated (" + e + ")", e);
    }
  }

  /**
   * Asks {@code factory} for its handlers.
   *
   * @throws ConsumerConfigException if it returns none, or a setting it needs is missing
   */
  public static Map<String, JobHandler> handlers(
      HandlerFactory factory, HandlerResources resources) {
    String name = factory.getClass().getName();
    Map<String, JobHandler> handlers = factory.handlers(resources);
    if (handlers == null || handlers.isEmpty()) {
      throw new ConsumerConfigException(
          ConsumerConfig.HANDLER + " names " + name + ", whose handlers() returned no handlers");
    }
    return Map.copyOf(handlers);
  }

  private static ConsumerConfigException refused(String name, String why, Throwable cause) {
    return new ConsumerConfigException(
        ConsumerConfig.HANDLER + " names " + name + ", which is not usable: " + why, cause);
  }
}
