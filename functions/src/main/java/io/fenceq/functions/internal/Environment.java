package io.fenceq.functions.internal;

import io.fenceq.consumer.ConsumerConfig;
import io.fenceq.consumer.ConsumerConfigException;
import io.fenceq.functions.FunctionConfigException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The variables a function was given, read with one-line errors naming the variable and the value.
 * Unset and blank variables count as absent; values are stripped.
 */
public final class Environment {
  private final Map<String, String> variables;

  public Environment(Map<String, String> variables) {
    if (variables == null) {
      throw new FunctionConfigException("the environment must not be null");
    }
    this.variables = Map.copyOf(withoutNulls(variables));
  }

  /** All variables, for handler factories that read their own. */
  public Map<String, String> all() {
    return variables;
  }

  /** Only the variables named, e.g. to hand a configuration reader exactly what it may read. */
  public Map<String, String> only(Set<String> names) {
    Map<String, String> picked = new HashMap<>();
    for (String name : names) {
      String value = variables.get(name);
      if (value != null) {
        picked.put(name, value);
      }
    }
    return picked;
  }

  /** The stripped value, or null when unset or blank. */
  public String optional(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /**
   * @throws FunctionConfigException if unset or blank
   */
  public String required(String name) {
    String value = optional(name);
    if (value == null) {
      throw new FunctionConfigException(name + " is required, got " + quote(variables.get(name)));
    }
    return value;
  }

  /** A required URL of a FIFO queue. */
  public String fifoQueueUrl(String name) {
    String url = required(name);
    if (!url.endsWith(".fifo")) {
      throw new FunctionConfigException(
          name
              + " must be a FIFO queue's URL (ending in .fifo): lanes are message groups, got "
              + quote(url));
    }
    return url;
  }

  /**
   * A whole number within bounds, or {@code defaultValue} when unset.
   *
   * @throws FunctionConfigException if not a whole number from {@code min} to {@code max}
   */
  public int integer(String name, int defaultValue, int min, int max) {
    String value = optional(name);
    if (value == null) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      parsed = min - 1;
    }
    if (parsed < min || parsed > max) {
      throw new FunctionConfigException(
          name + " must be a whole number from " + min + " to " + max + ", got " + quote(value));
    }
    return parsed;
  }

  /**
   * A flag, read by the consumer's rule ({@link ConsumerConfig#flag}): {@code true} or {@code
   * false}, or {@code false} when unset.
   *
   * @throws FunctionConfigException if set to anything else
   */
  public boolean flag(String name) {
    try {
      return ConsumerConfig.flag(name, optional(name));
    } catch (ConsumerConfigException e) {
      throw new FunctionConfigException(e.getMessage(), e);
    }
  }

  /** A value as error messages show it: quoted, or "nothing (not set)". */
  public static String quote(String value) {
    return value == null ? "nothing (not set)" : '"' + value + '"';
  }

  private static Map<String, String> withoutNulls(Map<String, String> variables) {
    Map<String, String> copy = new HashMap<>();
    variables.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            copy.put(k, v);
          }
        });
    return copy;
  }
}
