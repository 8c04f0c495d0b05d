package io.fenceq.local.template.internal;

import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.TemplateException;
import io.fenceq.local.template.TemplateParameter;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Chooses and checks the value of every template parameter, as CloudFormation does. */
public final class ParameterValues {
  private ParameterValues() {}

  /**
   * Defaults replaced by {@code overrides}, validated.
   *
   * @see CloudFormationTemplate#parameterValues(Map)
   */
  public static Map<String, String> resolve(
      CloudFormationTemplate template, Map<String, String> overrides) {
    Objects.requireNonNull(overrides, "overrides");
    Map<String, TemplateParameter> declared = template.parameters();
    for (String name : overrides.keySet()) {
      if (!declared.containsKey(name)) {
        throw new TemplateException(
            "unknown parameter '"
                + name
                + "': "
                + template.source()
                + " declares "
                + (declared.isEmpty() ? "no parameters" : String.join(", ", declared.keySet())));
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (TemplateParameter parameter : declared.values()) {
      String value = overrides.get(parameter.name());
      if (value == null) {
        value =
            parameter
                .defaultValue()
                .orElseThrow(
                    () ->
                        new TemplateException(
                            "parameter "
                                + parameter.name()
                                + " has no Default in "
                                + template.source()
                                + " and no value was given"));
      }
      validate(parameter, value);
      values.put(parameter.name(), value);
    }
    return Collections.unmodifiableMap(values);
  }

  /** The elements of a list parameter's value. */
  public static List<String> elements(String value) {
    return value.isEmpty() ? List.of() : List.of(value.split(",", -1));
  }

  private static void validate(TemplateParameter parameter, String value) {
    String name = parameter.name();
    List<String> elements = parameter.isList() ? elements(value) : List.of(value);
    if (!parameter.allowedValues().isEmpty()) {
      for (String element : elements) {
        if (!parameter.allowedValues().contains(element)) {
          throw new TemplateException(
              "parameter "
                  + name
                  + ": value '"
                  + element
                  + "' is not one of its AllowedValues "
                  + parameter.allowedValues());
        }
      }
    }
    if (parameter.isNumeric()) {
      for (String element : elements) {
        checkNumber(parameter, element.trim());
      }
      return;
    }
    parameter
        .minLength()
        .filter(min -> value.length() < min)
        .ifPresent(
            min -> {
              throw new TemplateException(
                  "parameter " + name + ": value '" + value + "' is shorter than MinLength " + min);
            });
    parameter
        .maxLength()
        .filter(max -> value.length() > max)
        .ifPresent(
            max -> {
              throw new TemplateException(
                  "parameter " + name + ": value '" + value + "' is longer than MaxLength " + max);
            });
    if (parameter.allowedPattern().isPresent()) {
      String pattern = parameter.allowedPattern().get();
      boolean matches;
      try {
        matches = Pattern.compile(pattern).matcher(value).matches();
      } catch (PatternSyntaxException e) {
        throw new TemplateException(
            "parameter " + name + ": AllowedPattern '" + pattern + "' is not a valid pattern", e);
      }
      if (!matches) {
        throw new TemplateException(
            "parameter "
                + name
                + ": value '"
                + value
                + "' does not match AllowedPattern "
                + pattern);
      }
    }
  }

  private static void checkNumber(TemplateParameter parameter, String value) {
    String name = parameter.name();
    BigDecimal number;
    try {
      number = new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new TemplateException(
          "parameter "
              + name
              + ": value '"
              + value
              + "' is not a number (Type "
              + parameter.type()
              + ")");
    }
    parameter
        .minValue()
        .filter(min -> number.compareTo(min) < 0)
        .ifPresent(
            min -> {
              throw new TemplateException(
                  "parameter "
                      + name
                      + ": value "
                      + value
                      + " is below its MinValue "
                      + min.toPlainString());
            });
    parameter
        .maxValue()
        .filter(max -> number.compareTo(max) > 0)
        .ifPresent(
            max -> {
              throw new TemplateException(
                  "parameter "
                      + name
                      + ": value "
                      + value
                      + " is above its MaxValue "
                      + max.toPlainString());
            });
  }
}
