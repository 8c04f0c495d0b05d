package io.fenceq.local.template.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Operations on the plain trees (maps, lists, scalars) a parsed template is made of. */
public final class Trees {
  private Trees() {}

  /**
   * A deep, unmodifiable copy that keeps map order and turns every map key into a string, so a
   * parsed template can be shared without defensive copies.
   */
  public static Object freeze(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, value) -> copy.put(String.valueOf(key), freeze(value)));
      return Collections.unmodifiableMap(copy);
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(element -> copy.add(freeze(element)));
      return Collections.unmodifiableList(copy);
    }
    return node;
  }

  /** The map at {@code node}, or an empty one; anything else is not a map. */
  @SuppressWarnings("unchecked")
  public static Optional<Map<String, Object>> asMap(Object node) {
    return node instanceof Map<?, ?> map
        ? Optional.of((Map<String, Object>) map)
        : Optional.empty();
  }

  /**
   * The string form of a scalar the way CloudFormation sees it: numbers without a trailing {@code
   * .0}, booleans as {@code true}/{@code false}. Empty for lists, maps and null.
   */
  public static Optional<String> scalarText(Object value) {
    if (value instanceof String text) {
      return Optional.of(text);
    }
    if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      return Optional.of(value.toString());
    }
    if (value instanceof BigInteger big) {
      return Optional.of(big.toString());
    }
    if (value instanceof Number number) {
      return Optional.of(new BigDecimal(number.toString()).stripTrailingZeros().toPlainString());
    }
    return Optional.empty();
  }

  /** What kind of value this is, for error messages. */
  public static String describe(Object value) {
    if (value == null) {
      return "nothing (null)";
    }
    if (value instanceof Map<?, ?>) {
      return "a map";
    }
    if (value instanceof List<?>) {
      return "a list";
    }
    return "'" + value + "'";
  }
}
