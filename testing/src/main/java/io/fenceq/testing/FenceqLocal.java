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
   * The path of the CloudFormation template to provision, relative to the working directory; empty
   * (the default) for fenceq's bundled {@code template.yaml}.
   */
  String template() default "";

  /**
   * An endpoint already running that serves both SQS and DynamoDB ({@code fenceq local},
   * LocalStack, ...), e.g. {@code http://127.0.0.1:4566}; empty (the default) to start the embedded
   * emulators. The system property {@value #ENDPOINT_PROPERTY} overrides it.
   */
  String endpoint() default "";
}
