package io.fenceq.local.template.internal;

import java.util.regex.Pattern;

/** CloudFormation's rule for stack names, checked before anything is created. */
public final class StackNames {
  private static final Pattern VALID = Pattern.compile("[a-zA-Z][-a-zA-Z0-9]{0,127}");

  private StackNames() {}

  /**
   * {@code name}, if CloudFormation would accept it.
   *
   * @throws IllegalArgumentException naming the value and the rule
   */
  public static String check(String name) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "stack name '"
              + name
              + "' is invalid: it must start with a letter, hold only letters, digits and '-',"
              + " and be at most 128 characters long");
    }
    return name;
  }
}
