package io.fenceq.queue.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the {@code maxReceiveCount} and the dead-letter queue's ARN of a queue's {@code
 * RedrivePolicy} attribute, which SQS returns as a JSON string ({@code
 * {"deadLetterTargetArn":"…","maxReceiveCount":5}}; the count may be a number or a string).
 */
public final class RedrivePolicy {
  private RedrivePolicy() {}

  /**
   * @param policy the attribute's value, or null when the queue has none
   * @return the count, or empty when there is no policy or it names no usable count
   */
  public static OptionalInt maxReceiveCount(String policy) {
    if (policy == null || policy.isBlank()) {
      return OptionalInt.empty();
    }
    JsonNode count;
    try {
      count = Json.MAPPER.readTree(policy).path("maxReceiveCount");
    } catch (IOException e) {
      return OptionalInt.empty();
    }
    try {
      int value = count.isNumber() ? count.intValue() : Integer.parseInt(count.asText());
      return value >= 1 && value <= 1000 ? OptionalInt.of(value) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * @param policy the attribute's value, or null when the queue has none
   * @return the dead-letter queue's ARN, or empty when there is no policy or it names none
   */
  public static Optional<String> deadLetterTargetArn(String policy) {
    if (policy == null || policy.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode arn = Json.MAPPER.readTree(policy).path("deadLetterTargetArn");
      return arn.isTextual() && !arn.asText().isBlank()
          ? Optional.of(arn.asText())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
