package io.fenceq.spring.autoconfigure.internal;

import io.fenceq.engine.JobHandler;
import io.fenceq.engine.JobHandlers;
import io.fenceq.spring.FenceqHandler;
import io.fenceq.spring.autoconfigure.FenceqHandlerException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Finds the application's handlers in a bean factory: every {@link JobHandler} bean (its job type
 * from {@link FenceqHandler} on its class or {@code @Bean} method) and every {@link FenceqHandler}
 * method of any other bean. Looks at bean types only, and makes just the beans that have handlers.
 */
public final class HandlerDiscovery {
  private HandlerDiscovery() {}

  /** One handler found, before it is made. */
  private record Found(String description, Supplier<JobHandler> handler, Duration timeLimit) {}

  /**
   * @throws FenceqHandlerException naming both handlers of a job type, a {@link JobHandler} bean
   *     without a job type, a method fenceq cannot call, or a bad time limit
   */
  public static JobHandlers discover(ConfigurableListableBeanFactory beans) {
    Map<String, Found> byType = new LinkedHashMap<>();
    for (String name : beans.getBeanNamesForType(JobHandler.class, true, false)) {
      if (ScopedProxyUtils.isScopedTarget(name)) {
        continue; // its scoped proxy is the bean the application sees, and is found instead
      }
      FenceqHandler annotation = beans.findAnnotationOnBean(name, FenceqHandler.class);
      if (annotation == null) {
        throw new FenceqHandlerException(
            "JobHandler bean '"
                + name
                + "' names no job type: add @FenceqHandler(\"type\") to its class or @Bean method");
      }
      String description = "JobHandler bean '" + name + "'";
      add(
          byType,
          annotation,
          new Found(
              description,
              () -> beans.getBean(name, JobHandler.class),
              timeLimit(annotation, description)));
    }
    for (String name : beans.getBeanDefinitionNames()) {
      if (!beans.containsBeanDefinition(name) || ScopedProxyUtils.isScopedTarget(name)) {
        continue;
      }
      BeanDefinition definition = beans.getBeanDefinition(name);
      if (definition.isAbstract()) {
        continue;
      }
      Class<?> type = beans.getType(name, false);
      if (type == null || JobHandler.class.isAssignableFrom(type)) {
        continue;
      }
      Class<?> user = ClassUtils.getUserClass(type);
      Map<Method, FenceqHandler> methods =
          MethodIntrospector.selectMethods(
              user,
              (MethodIntrospector.MetadataLookup<FenceqHandler>)
                  m ->
                      AnnotatedElementUtils.hasAnnotation(m, Bean.class)
                          ? null
                          : AnnotatedElementUtils.findMergedAnnotation(m, FenceqHandler.class));
      for (Map.Entry<Method, FenceqHandler> e : methods.entrySet()) {
        Method method = e.getKey();
        String description =
            "method " + user.getSimpleName() + "." + method.getName() + " of bean '" + name + "'";
        add(
            byType,
            e.getValue(),
            new Found(
                description,
                () -> new MethodJobHandler(beans.getBean(name), method, description),
                timeLimit(e.getValue(), description)));
      }
    }
    JobHandlers.Builder handlers = JobHandlers.builder();
    byType.forEach(
        (type, found) -> {
          JobHandler handler = found.handler().get();
          try {
            if (found.timeLimit() == null) {
              handlers.on(type, handler);
            } else {
              handlers.on(type, handler, found.timeLimit());
            }
          } catch (IllegalArgumentException e) {
            throw new FenceqHandlerException(
                "@FenceqHandler(\""
                    + type
                    + "\") on "
                    + found.description()
                    + ": "
                    + e.getMessage(),
                e);
          }
        });
    return handlers.build();
  }

  private static void add(Map<String, Found> byType, FenceqHandler annotation, Found found) {
    String type = annotation.value();
    if (type == null || type.isBlank()) {
      throw new FenceqHandlerException(
          "@FenceqHandler on "
              + found.description()
              + " must name a job type, got \""
              + type
              + "\"");
    }
    Found before = byType.putIfAbsent(type, found);
    if (before != null) {
      throw new FenceqHandlerException(
          "job type \""
              + type
              + "\" has two handlers, "
              + before.description()
              + " and "
              + found.description()
              + "; a job type has exactly one");
    }
  }

  private static Duration timeLimit(FenceqHandler annotation, String description) {
    String text = annotation.timeLimit();
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return DurationStyle.detectAndParse(text.strip());
    } catch (IllegalArgumentException e) {
      throw new FenceqHandlerException(
          "@FenceqHandler(\""
              + annotation.value()
              + "\", timeLimit = \""
              + text
              + "\") on "
              + description
              + ": timeLimit must be a duration such as 30s or 5m");
    }
  }
}
