package io.fenceq.spring.autoconfigure;

import io.fenceq.consumer.ConsumerConfig;
import java.net.URI;
import java.time.Duration;
import org.springframework.validation.Errors;

/**
 * The rules of {@link FenceqProperties}, the limits of {@link ConsumerConfig}'s: each refusal is a
 * field error whose message names the property and the value, in one line.
 */
final class FenceqPropertiesCheck {
  private final FenceqProperties p;
  private final Errors errors;

  FenceqPropertiesCheck(FenceqProperties properties, Errors errors) {
    this.p = properties;
    this.errors = errors;
  }

  void run() {
    if (!p.isEnabled()) {
      return;
    }
    queues();
    FenceqProperties.Worker w = p.getWorker();
    if (w.isEnabled() && blank(p.getLeaseTable())) {
      reject(
          "leaseTable",
          p.getLeaseTable(),
          "is required while fenceq.worker.enabled is true (set fenceq.worker.enabled=false for an"
              + " application that only enqueues)");
    } else if (p.isRingEpochs() && blank(p.getLeaseTable())) {
      reject(
          "leaseTable",
          p.getLeaseTable(),
          "is required while fenceq.ring-epochs is true (the ring's epoch is read from it)");
    }
    range("lanes", p.getLanes(), 1, ConsumerConfig.MAX_LANES);
    range("worker.concurrency", w.getConcurrency(), 1, ConsumerConfig.MAX_CONCURRENCY);
    range(
        "worker.maxLanesInFlight",
        w.getMaxLanesInFlight(),
        1,
        ConsumerConfig.MAX_MAX_LANES_IN_FLIGHT);
    range("worker.maxAttempts", w.getMaxAttempts(), 1, ConsumerConfig.MAX_MAX_ATTEMPTS);
    range(
        "worker.unhealthyWrittenOffThreads",
        w.getUnhealthyWrittenOffThreads(),
        1,
        ConsumerConfig.MAX_UNHEALTHY_WRITTEN_OFF_THREADS);
    seconds("worker.leaseDuration", w.getLeaseDuration(), 1, ConsumerConfig.MAX_LEASE_SECONDS);
    seconds("worker.jobTimeLimit", w.getJobTimeLimit(), 1, ConsumerConfig.MAX_JOB_TIMEOUT_SECONDS);
    seconds(
        "worker.shutdownTimeout", w.getShutdownTimeout(), 0, ConsumerConfig.MAX_SHUTDOWN_SECONDS);
    seconds("worker.receiveWait", w.getReceiveWait(), 0, ConsumerConfig.MAX_RECEIVE_WAIT_SECONDS);
    if (w.getId() != null && (w.getId().isBlank() || w.getId().length() > 512)) {
      reject("worker.id", w.getId(), "must be 1 to 512 characters");
    }
    aws(p.getAws());
    FenceqProperties.Health h = p.getHealth();
    if (h.getTimeout() == null || h.getTimeout().isNegative() || h.getTimeout().isZero()) {
      reject("health.timeout", h.getTimeout(), "must be a positive duration such as 2s");
    }
    if (h.getLaneLossWindow() == null
        || h.getLaneLossWindow().isNegative()
        || h.getLaneLossWindow().isZero()) {
      reject("health.laneLossWindow", h.getLaneLossWindow(), "must be a positive duration");
    }
    if (h.getMaxLanesLost() != null && h.getMaxLanesLost() < 1) {
      reject("health.maxLanesLost", h.getMaxLanesLost(), "must be at least 1, or unset");
    }
  }

  private void queues() {
    String queue = p.getQueueUrl();
    if (blank(queue)) {
      reject("queueUrl", queue, "is required");
    } else if (!queue.endsWith(".fifo")) {
      reject("queueUrl", queue, "must be a FIFO queue's URL (ending in .fifo): lanes are groups");
    }
    String dlq = p.getDeadLetterQueueUrl();
    if (dlq != null && (!dlq.endsWith(".fifo") || dlq.equals(queue))) {
      reject(
          "deadLetterQueueUrl",
          dlq,
          "must be a FIFO queue's URL (ending in .fifo) other than the work queue");
    }
  }

  private void aws(FenceqProperties.Aws aws) {
    endpoint("aws.endpoint", aws.getEndpoint());
    endpoint("aws.sqsEndpoint", aws.getSqsEndpoint());
    endpoint("aws.dynamodbEndpoint", aws.getDynamodbEndpoint());
    if (aws.getRegion() != null && !aws.getRegion().matches("[a-z0-9-]+")) {
      reject("aws.region", aws.getRegion(), "must be a region name such as eu-west-1");
    }
    if (blank(aws.getAccessKeyId()) != blank(aws.getSecretAccessKey())) {
      boolean idMissing = blank(aws.getAccessKeyId());
      reject(
          idMissing ? "aws.accessKeyId" : "aws.secretAccessKey",
          null,
          "is required when fenceq.aws."
              + (idMissing ? "secret-access-key" : "access-key-id")
              + " is set");
    }
  }

  private void endpoint(String field, URI uri) {
    if (uri != null
        && (uri.getScheme() == null
            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
            || uri.getHost() == null)) {
      reject(field, uri, "must be an http(s) URL such as http://127.0.0.1:9324");
    }
  }

  private void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      reject(field, value, "must be a whole number from " + min + " to " + max);
    }
  }

  private void seconds(String field, Duration value, int min, int max) {
    if (value == null
        || value.getNano() != 0
        || value.toSeconds() < min
        || value.toSeconds() > max) {
      reject(field, value, "must be whole seconds from " + min + "s to " + max + "s");
    }
  }

  private void reject(String field, Object value, String rule) {
    String message = property(field) + " " + rule + ", got " + shown(value);
    errors.rejectValue(field, "fenceq.invalid", message);
  }

  /**
   * A field path as the property is written: {@code worker.maxAttempts} is {@code
   * fenceq.worker.max-attempts}.
   */
  static String property(String field) {
    return FenceqProperties.PREFIX
        + "."
        + field.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
  }

  private static String shown(Object value) {
    if (value == null) {
      return "nothing (not set)";
    }
    if (value instanceof Duration d) {
      return d.getNano() == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
    return value instanceof String s ? '"' + s + '"' : value.toString();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
