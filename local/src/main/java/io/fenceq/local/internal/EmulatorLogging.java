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

  /** Only errors from DynamoDB Local. Idempotent. */
  public static void quiet() {
    Configurator.setLevel(DYNAMODB_LOCAL, Level.ERROR);
  }
}
