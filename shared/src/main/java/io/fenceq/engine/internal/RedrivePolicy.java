package io.fenceq.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.fenceq.queue.internal.Json;
import java.io.IOException;
import java.util.OptionalInt;

/**
 * Reads the {@code maxReceiveCount} of a queue's {@code RedrivePolicy} attribute, which SQS returns
 * as a JSON string ({@code {"deadLetterTargetArn":"…","maxReceiveCount":5}}; the count may be a
 * number or a string).
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
}
