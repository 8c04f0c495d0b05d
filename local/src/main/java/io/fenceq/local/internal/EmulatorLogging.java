package io.fenceq.local.internal;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Quiets the emulators' own logging.
 *
 * <p>DynamoDB Local logs through log4j-core, not SLF4J, and writes a WARN with a stack trace for
 * every failed conditional write; for fenceq a refused lease write is the normal way of saying
 * "someone else holds it", so these would drown every other line. ElasticMQ and Pekko log through
 * SLF4J and are quieted in {@code logback.xml}.
 */
public final class EmulatorLogging {
  private static final String DYNAMODB_LOCAL = "com.amazonaws.services.dynamodbv2.local";

  private EmulatorLogging() {}

  /**
   * Only errors from DynamoDB Local. Idempotent. Where the Log4j API is routed to another backend
   * (log4j-to-slf4j, as in every Spring Boot application), log4j-core cannot set levels and that
   * backend's configuration decides ({@code
   * logging.level.com.amazonaws.services.dynamodbv2.local}).
   */
  public static void quiet() {
    try {
      Configurator.setLevel(DYNAMODB_LOCAL, Level.ERROR);
    } catch (ClassCastException e) {
      // Configurator casts the API's context to log4j-core's; another provider's is not one.
    }
  }
}
