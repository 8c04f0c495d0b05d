package io.fenceq.internal;

/**
 * The one argument check behind every builder and configuration of this module, so that a bad
 * setting reads the same wherever it is made: {@code invalid <Owner> setting <setting>: <value>}.
 *
 * <p>Builders call it from {@code build()}, before any I/O, so that a bad setting fails where it
 * was made rather than at the first AWS call.
 */
public final class Require {

  private Require() {}

  /**
   * Refuses a setting: {@code invalid <owner> setting <setting>: <value>}.
   *
   * @param ok whether the setting is acceptable
   * @param owner the simple name of the type being configured, e.g. {@code LaneProcessor}
   * @param setting the builder method or field, e.g. {@code config}
   * @param value what was given, or a short statement of what is wrong with it
   * @throws IllegalArgumentException unless {@code ok}
   */
  public static void argument(boolean ok, String owner, String setting, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("invalid " + owner + " setting " + setting + ": " + value);
    }
  }

  /**
   * Refuses a missing setting: {@code invalid <owner> setting <setting>: null}.
   *
   * @return {@code value}, so that a constructor can check and assign in one statement
   * @throws IllegalArgumentException if {@code value} is null
   */
  public static <T> T notNull(T value, String owner, String setting) {
    argument(value != null, owner, setting, null);
    return value;
  }

  /**
   * Refuses a setting that breaks a stated rule: {@code invalid <owner> setting <setting>: <rule>,
   * got <value>}.
   *
   * @param rule what the setting must be, e.g. {@code must be positive}
   * @throws IllegalArgumentException unless {@code ok}
   */
  public static void rule(boolean ok, String owner, String setting, String rule, Object value) {
    if (!ok) {
      throw invalid(owner, setting, rule, value);
    }
  }

  /**
   * The exception {@link #rule} throws, for a check that reads better as {@code if (...) throw}.
   */
  public static IllegalArgumentException invalid(
      String owner, String setting, String rule, Object value) {
    return new IllegalArgumentException(
        "invalid " + owner + " setting " + setting + ": " + rule + ", got " + value);
  }

  /**
   * Refuses a value with no owner to name, such as a ring size or a duration of a configuration
   * whose settings are named by themselves: {@code <name> <rule>, got <value>}.
   *
   * @param name what the value is, e.g. {@code leaseDuration} or {@code lanes}
   * @param rule what it must be, e.g. {@code must be between 0 and 9999}
   * @throws IllegalArgumentException unless {@code ok}
   */
  public static void value(boolean ok, String name, String rule, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(name + " " + rule + ", got " + value);
    }
  }
}
