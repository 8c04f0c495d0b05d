package io.fenceq.testing;

import io.fenceq.aws.AwsClients;
import java.lang.reflect.Executable;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What {@link FenceqLocal} registers: keeps one {@link TestBackend} per template and endpoint in
 * the root store (closed when the run ends) and one {@link FenceqStack} per test in the test's
 * store.
 */
final class FenceqExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FenceqExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == FenceqStack.class
        || type == SqsClient.class
        || type == DynamoDbClient.class
        || type == AwsClients.Target.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    TestBackend backend;
    try {
      backend = backend(context);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException(e.getMessage(), e);
    }
    if (type == SqsClient.class) {
      return backend.sqs();
    }
    if (type == DynamoDbClient.class) {
      return backend.dynamoDb();
    }
    if (type == AwsClients.Target.class) {
      return backend.target();
    }
    Executable declaring = parameter.getDeclaringExecutable();
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            FenceqStack.class,
            k -> backend.newStack(purpose(context, declaring)),
            FenceqStack.class);
  }

  private static String purpose(ExtensionContext context, Executable declaring) {
    return context
        .getTestMethod()
        .map(m -> m.getName())
        .orElse(declaring.getDeclaringClass().getSimpleName());
  }

  private static TestBackend backend(ExtensionContext context) {
    FenceqLocal settings =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), FenceqLocal.class)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        context.getRequiredTestClass().getName()
                            + " is not annotated @FenceqLocal"));
    String endpoint =
        Optional.ofNullable(System.getProperty(FenceqLocal.ENDPOINT_PROPERTY))
            .filter(value -> !value.isBlank())
            .orElse(settings.endpoint())
            .strip();
    String template = settings.template().strip();
    String key = "backend endpoint=" + endpoint + " template=" + template;
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            key,
            k ->
                new StoredBackend(
                    endpoint.isEmpty()
                        ? TestBackend.embedded(template)
                        : TestBackend.external(endpoint, template)),
            StoredBackend.class)
        .backend();
  }

  /** Closes the backend when the root context (the test run) ends. */
  @SuppressWarnings("deprecation") // CloseableResource: still what JUnit 5 closes on every version
  private record StoredBackend(TestBackend backend)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      backend.close();
    }
  }
}
