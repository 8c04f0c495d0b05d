package io.fenceq.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class on fenceq's queues and tables: the embedded ElasticMQ and DynamoDB Local,
 * started once per test run and stopped at its end, or an endpoint already running.
 *
 * <p>Each test method gets a stack of its own (a unique stack name, so its queues and tables are
 * its own): declare parameters of type {@link FenceqStack}, {@code SqsClient} or {@code
 * DynamoDbClient}, or {@code AwsClients.Target} to build clients of your own on the same endpoints
 * (with fault interceptors, say). A constructor parameter of type {@link FenceqStack} gets one
 * stack for the class.
 *
 * <pre>{@code
 * @FenceqLocal
 * class MyHandlerTest {
 *   @Test
 *   void applies(FenceqStack stack, SqsClient sqs, DynamoDbClient dynamoDb) { ... }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(FenceqExtension.class)
public @interface FenceqLocal {
  /** System property that, when set, overrides {@link #endpoint()} for every test class. */
  String ENDPOINT_PROPERTY = "fenceq.test.endpoint";

  /**
   * System property for SQS on an endpoint of its own, set together with {@link
   * #DYNAMODB_ENDPOINT_PROPERTY} ({@code fenceq local} serves the two on two ports); each wins over
   * {@value #ENDPOINT_PROPERTY} and {@link #endpoint()} for its service.
   */
  String SQS_ENDPOINT_PROPERTY = "fenceq.test.endpoint.sqs";

  /** System property for DynamoDB on an endpoint of its own; see {@link #SQS_ENDPOINT_PROPERTY}. */
  String DYNAMODB_ENDPOINT_PROPERTY = "fenceq.test.endpoint.dynamodb";

  /**
   * The path of the CloudFormation template to provision, relative to the working directory; empty
   * (the default) for fenceq's bundled {@code template.yaml}.
   */
  String template() default "";

  /**
   * An endpoint already running that serves both SQS and DynamoDB ({@code fenceq local},
   * LocalStack, ...), e.g. {@code http://127.0.0.1:4566}; empty (the default) to start the embedded
   * emulators. The system property {@value #ENDPOINT_PROPERTY} overrides it. On an endpoint, the
   * queues and tables of each stack are deleted when its test (or class) ends.
   */
  String endpoint() default "";

  /**
   * LocalStack (SQS and DynamoDB) in a container through Testcontainers instead of the embedded
   * emulators; needs {@code org.testcontainers:testcontainers-localstack} on the test class path
   * and a Docker engine. Without an engine the class's tests are skipped, with the reason
   * "LocalStack mode needs a Docker engine". The image is {@code localstack/localstack:4.4}, or the
   * system property {@code fenceq.test.localstack.image}. The endpoint system properties win over
   * it.
   */
  boolean localstack() default false;
}
