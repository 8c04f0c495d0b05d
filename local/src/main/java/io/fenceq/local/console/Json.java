package io.fenceq.local.console;

/**
 * Writes the console's JSON answers: an object or array at a time, with strings escaped as {@link
 * ConsoleState#string(String)} does (so no answer can carry markup into the page).
 */
final class Json {
  private final StringBuilder out = new StringBuilder(256);
  private boolean first = true;

  private Json(char open) {
    out.append(open);
  }

  static Json object() {
    return new Json('{');
  }

  static Json array() {
    return new Json('[');
  }

  Json field(String name, String value) {
    return name(name).raw(value == null ? "null" : ConsoleState.string(value));
  }

  Json field(String name, long value) {
    return name(name).raw(Long.toString(value));
  }

  Json field(String name, boolean value) {
    return name(name).raw(Boolean.toString(value));
  }

  /** A field whose value is JSON already (an object or array built here). */
  Json fieldJson(String name, String json) {
    return name(name).raw(json == null ? "null" : json);
  }

  /** An array element that is JSON already. */
  Json element(String json) {
    comma();
    out.append(json);
    return this;
  }

  /** An array element that is a string. */
  Json element(String value, boolean string) {
    return element(string ? ConsoleState.string(value) : value);
  }

  String end() {
    return out.append(out.charAt(0) == '{' ? '}' : ']').toString();
  }

  private Json name(String name) {
    comma();
    out.append(ConsoleState.string(name)).append(':');
    return this;
  }

  private Json raw(String json) {
    out.append(json);
    return this;
  }

  private void comma() {
    if (!first) {
      out.append(',');
    }
    first = false;
  }
}
