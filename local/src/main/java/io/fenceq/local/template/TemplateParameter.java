package io.fenceq.local.template;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * One entry of a template's {@code Parameters} section, with the constraints CloudFormation checks
 * before it creates a stack. Values are strings, as CloudFormation passes them.
 *
 * @param name the parameter's logical name
 * @param type {@code String}, {@code Number}, {@code CommaDelimitedList}, {@code List<Number>}, ...
 * @param defaultValue the {@code Default}, if any
 * @param allowedValues {@code AllowedValues}; empty when unconstrained
 * @param minValue {@code MinValue} for numbers
 * @param maxValue {@code MaxValue} for numbers
 * @param minLength {@code MinLength} for strings
 * @param maxLength {@code MaxLength} for strings
 * @param allowedPattern {@code AllowedPattern} for strings (a whole-value regular expression)
 * @param description the {@code Description}
 */
public record TemplateParameter(
    String name,
    String type,
    Optional<String> defaultValue,
    List<String> allowedValues,
    Optional<BigDecimal> minValue,
    Optional<BigDecimal> maxValue,
    Optional<Integer> minLength,
    Optional<Integer> maxLength,
    Optional<String> allowedPattern,
    Optional<String> description) {

  /** Copies the list so the record stays immutable. */
  public TemplateParameter {
    allowedValues = List.copyOf(allowedValues);
  }

  /** Whether {@code Ref} to this parameter gives a list rather than a string. */
  public boolean isList() {
    return type.equals("CommaDelimitedList") || type.startsWith("List<");
  }

  /** Whether the value (or each element of a list) must be a number. */
  public boolean isNumeric() {
    return type.equals("Number") || type.equals("List<Number>");
  }
}
