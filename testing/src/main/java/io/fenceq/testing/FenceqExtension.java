package io.fenceq.testing;

import io.fenceq.aws.AwsClients;
import java.lang.reflect.Executable;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
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
final class FenceqExtension implements ParameterResolver, ExecutionCondition {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FenceqExtension.class);

  /** Skips a LocalStack-mode class where LocalStack cannot run, saying why in one line. */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<FenceqLocal> settings =
        context
            .getTestClass()
            .flatMap(type -> AnnotationSupport.findAnnotation(type, FenceqLocal.class));
    if (settings.isEmpty() || !settings.get().localstack() || endpointProperty()) {
      return ConditionEvaluationResult.enabled("not in LocalStack mode");
    }
    return LocalStackMode.unavailable()
        .map(ConditionEvaluationResult::disabled)
        .orElse(ConditionEvaluationResult.enabled("LocalStack mode can run"));
  }

  private static boolean endpointProperty() {
    return property(FenceqLocal.ENDPOINT_PROPERTY).isPresent()
        || property(FenceqLocal.SQS_ENDPOINT_PROPERTY).isPresent();
  }

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
            k -> new StoredStack(backend.newStack(purpose(context, declaring)), backend),
            StoredStack.class)
        .stack();
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
    String endpoint = property(FenceqLocal.ENDPOINT_PROPERTY).orElse(settings.endpoint()).strip();
    String sqsEndpoint = property(FenceqLocal.SQS_ENDPOINT_PROPERTY).orElse(endpoint);
    String dynamoDbEndpoint = property(FenceqLocal.DYNAMODB_ENDPOINT_PROPERTY).orElse(endpoint);
    if (sqsEndpoint.isEmpty() != dynamoDbEndpoint.isEmpty()) {
      throw new IllegalStateException(
          "fenceq test endpoint: set both "
              + FenceqLocal.SQS_ENDPOINT_PROPERTY
              + " and "
              + FenceqLocal.DYNAMODB_ENDPOINT_PROPERTY
              + ", or "
              + FenceqLocal.ENDPOINT_PROPERTY
              + ", was sqs='"
              + sqsEndpoint
              + "' dynamodb='"
              + dynamoDbEndpoint
              + "'");
    }
    String template = settings.template().strip();
    if (settings.localstack() && !endpointProperty()) {
      String image = LocalStackMode.image();
      return context
          .getRoot()
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(
              "backend localstack=" + image + " template=" + template,
              k -> new StoredBackend(LocalStackMode.start(template)),
              StoredBackend.class)
          .backend();
    }
    String key =
        "backend sqs=" + sqsEndpoint + " dynamodb=" + dynamoDbEndpoint + " template=" + template;
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            key,
            k ->
                new StoredBackend(
                    sqsEndpoint.isEmpty()
                        ? TestBackend.embedded(template)
                        : TestBackend.external(sqsEndpoint, dynamoDbEndpoint, template)),
            StoredBackend.class)
        .backend();
  }

  private static Optional<String> property(String name) {
    return Optional.ofNullable(System.getProperty(name))
        .map(String::strip)
        .filter(value -> !value.isEmpty());
  }

  /**
   * A test's (or a class's) stack; on an endpoint its queues and tables are deleted when that test
   * (or class) ends, since the endpoint outlives the run.
   */
  @SuppressWarnings("deprecation") // CloseableResource: still what JUnit 5 closes on every version
  private record StoredStack(FenceqStack stack, TestBackend backend)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      if (backend.keepsStacks()) {
        backend.delete(stack.stackName());
      }
    }
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
