package io.fenceq.local.template.internal;

import io.fenceq.local.template.TemplateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of resolved resource properties; a wrong or missing value fails with the resource and
 * the property path in the message.
 */
public final class PropertyReader {
  private final Map<String, Object> values;
  private final Site site;

  /** Reads {@code values}, which sit at {@code site}. */
  public PropertyReader(Map<String, Object> values, Site site) {
    this.values = values;
    this.site = site;
  }

  /** Where these properties sit. */
  public Site site() {
    return site;
  }

  /** The string at {@code key}, if present. */
  public Optional<String> optionalText(String key) {
    Object value = values.get(key);
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(Trees.scalarText(value).orElseThrow(() -> wrong(key, "a string", value)));
  }

  /** The string at {@code key}. */
  public String text(String key) {
    return optionalText(key).orElseThrow(() -> missing(key));
  }

  /** The boolean at {@code key} ({@code true}/{@code false}, also as strings), if present. */
  public Optional<Boolean> optionalBoolean(String key) {
    return optionalText(key)
        .map(
            text ->
                switch (text.toLowerCase(java.util.Locale.ROOT)) {
                  case "true" -> true;
                  case "false" -> false;
                  default -> throw wrong(key, "true or false", text);
                });
  }

  /** The whole number at {@code key}, if present. */
  public Optional<Long> optionalWholeNumber(String key) {
    return optionalText(key)
        .map(
            text -> {
              try {
                return Long.parseLong(text.trim());
              } catch (NumberFormatException e) {
                throw wrong(key, "a whole number", text);
              }
            });
  }

  /** The whole number at {@code key}. */
  public long wholeNumber(String key) {
    return optionalWholeNumber(key).orElseThrow(() -> missing(key));
  }

  /** The map at {@code key}, if present. */
  public Optional<PropertyReader> optionalMap(String key) {
    Object value = values.get(key);
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(
        new PropertyReader(
            Trees.asMap(value).orElseThrow(() -> wrong(key, "a map", value)), site.at(key)));
  }

  /** The map at {@code key}. */
  public PropertyReader map(String key) {
    return optionalMap(key).orElseThrow(() -> missing(key));
  }

  /** The list of maps at {@code key}; empty if absent. */
  public List<PropertyReader> maps(String key) {
    List<?> list = list(key);
    List<PropertyReader> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object element = list.get(i);
      Site elementSite = site.at(key).at(i);
      result.add(
          new PropertyReader(
              Trees.asMap(element)
                  .orElseThrow(
                      () ->
                          new TemplateException(
                              elementSite + ": expected a map, got " + Trees.describe(element))),
              elementSite));
    }
    return result;
  }

  /** The list of strings at {@code key}; empty if absent. */
  public List<String> texts(String key) {
    List<?> list = list(key);
    List<String> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object element = list.get(i);
      Site elementSite = site.at(key).at(i);
      result.add(
          Trees.scalarText(element)
              .orElseThrow(
                  () ->
                      new TemplateException(
                          elementSite + ": expected a string, got " + Trees.describe(element))));
    }
    return result;
  }

  /** The value at {@code key} as it is. */
  public Object raw(String key) {
    return values.get(key);
  }

  private List<?> list(String key) {
    Object value = values.get(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list;
    }
    throw wrong(key, "a list", value);
  }

  private TemplateException missing(String key) {
    return new TemplateException(site.at(key) + ": is required");
  }

  private TemplateException wrong(String key, String expected, Object value) {
    return new TemplateException(
        site.at(key) + ": expected " + expected + ", got " + Trees.describe(value));
  }
}
