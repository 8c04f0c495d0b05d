package io.fenceq.local.template;

import io.fenceq.local.template.internal.CloudFormationConstructor;
import io.fenceq.local.template.internal.ParameterValues;
import io.fenceq.local.template.internal.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A parsed CloudFormation (or SAM) template.
 *
 * <p>{@code template.yaml} is the single source of truth for the queue, the dead-letter queue and
 * the lease table; the local emulators are provisioned from it so that local runs and AWS never
 * disagree on names, FIFO settings, redrive policy or TTL. Short-form tags become their long form
 * while parsing (see {@link CloudFormationConstructor}), so {@link #resources()} and {@link
 * #outputs()} hold plain maps, lists and scalars with intrinsics as {@code {"Ref": ...}} or {@code
 * {"Fn::...": ...}}. Instances are immutable.
 */
public final class CloudFormationTemplate {

  /** Where the fenceq-local jar carries its copy of the repository's {@code template.yaml}. */
  public static final String CLASSPATH_RESOURCE = "io/fenceq/local/template.yaml";

  private final String source;
  private final Optional<String> description;
  private final Map<String, TemplateParameter> parameters;
  private final Map<String, Object> mappings;
  private final Map<String, Object> conditions;
  private final Map<String, Object> globals;
  private final Map<String, TemplateResource> resources;
  private final Map<String, TemplateOutput> outputs;

  private CloudFormationTemplate(String source, Map<String, Object> root) {
    this.source = source;
    this.description = Trees.scalarText(root.get("Description"));
    this.parameters = parseParameters(section(root, "Parameters"));
    this.mappings = section(root, "Mappings");
    this.conditions = section(root, "Conditions");
    this.globals = section(root, "Globals");
    if (!root.containsKey("Resources")) {
      throw new TemplateException(source + ": the template has no Resources section");
    }
    this.resources = parseResources(section(root, "Resources"));
    this.outputs = parseOutputs(section(root, "Outputs"));
  }

  /**
   * Reads a template file.
   *
   * @throws TemplateException if the file is missing or unreadable, or its YAML is invalid (the
   *     message names the file and line)
   */
  public static CloudFormationTemplate load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new TemplateException("template file not found: " + file.toAbsolutePath(), e);
    } catch (CharacterCodingException e) {
      throw new TemplateException("template file is not UTF-8: " + file.toAbsolutePath(), e);
    } catch (IOException e) {
      throw new TemplateException(
          "cannot read template file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /**
   * The template bundled in the fenceq-local jar (a build-time copy of the repository's {@code
   * template.yaml}), so the CLI works from any directory.
   */
  public static CloudFormationTemplate fromClasspath() {
    String location = "classpath:" + CLASSPATH_RESOURCE;
    ClassLoader loader = CloudFormationTemplate.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(CLASSPATH_RESOURCE)) {
      if (in == null) {
        throw new TemplateException(
            location + " not found: the fenceq-local jar was built without its template copy");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
    } catch (IOException e) {
      throw new TemplateException("cannot read " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses template text.
   *
   * @param yaml the template, YAML or JSON
   * @param source a name for messages, usually the file name
   * @throws TemplateException if the YAML is invalid (naming {@code source}, line and column) or
   *     the template's structure is not CloudFormation's
   */
  public static CloudFormationTemplate parse(String yaml, String source) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object root;
    try {
      root = new Yaml(new CloudFormationConstructor(options)).load(yaml);
    } catch (MarkedYAMLException e) {
      throw new TemplateException(source + at(e.getProblemMark()) + ": " + problemOf(e), e);
    } catch (YAMLException e) {
      throw new TemplateException(source + ": invalid YAML: " + e.getMessage(), e);
    }
    return new CloudFormationTemplate(
        source,
        Trees.asMap(Trees.freeze(root))
            .orElseThrow(
                () -> new TemplateException(source + ": the top level must be a mapping")));
  }

  /** Where this template was read from, as used in messages. */
  public String source() {
    return source;
  }

  /** The template's {@code Description}. */
  public Optional<String> description() {
    return description;
  }

  /** {@code Parameters} by name, in template order. */
  public Map<String, TemplateParameter> parameters() {
    return parameters;
  }

  /** {@code Mappings}, for {@code Fn::FindInMap}. */
  public Map<String, Object> mappings() {
    return mappings;
  }

  /** {@code Conditions} by name, unevaluated. */
  public Map<String, Object> conditions() {
    return conditions;
  }

  /**
   * SAM's {@code Globals} by resource kind ({@code Function}, {@code HttpApi}, ...), unevaluated:
   * the properties every {@code AWS::Serverless::*} resource of that kind inherits. Empty for a
   * plain CloudFormation template.
   */
  public Map<String, Object> globals() {
    return globals;
  }

  /** {@code Resources} by logical id, in template order. */
  public Map<String, TemplateResource> resources() {
    return resources;
  }

  /** {@code Outputs} by name, in template order. */
  public Map<String, TemplateOutput> outputs() {
    return outputs;
  }

  /**
   * The value of every parameter for a stack: its {@code Default}, replaced by {@code overrides}
   * where given, each checked against the parameter's type, {@code MinValue}, {@code MaxValue},
   * {@code AllowedValues}, {@code MinLength}, {@code MaxLength} and {@code AllowedPattern}, as
   * CloudFormation does before it creates a stack.
   *
   * @return values by parameter name, in template order
   * @throws TemplateException naming the parameter and the value, if one is unknown, missing or
   *     breaks a constraint
   */
  public Map<String, String> parameterValues(Map<String, String> overrides) {
    return ParameterValues.resolve(this, overrides);
  }

  @Override
  public String toString() {
    return "CloudFormationTemplate[" + source + ", resources=" + resources.keySet() + "]";
  }

  private static String at(Mark mark) {
    return mark == null ? "" : ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }

  private static String problemOf(MarkedYAMLException e) {
    String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
    if (e.getContext() != null) {
      Mark context = e.getContextMark();
      problem +=
          " ("
              + e.getContext()
              + (context == null ? "" : " at line " + (context.getLine() + 1))
              + ")";
    }
    return problem;
  }

  private Map<String, Object> section(Map<String, Object> root, String name) {
    Object value = root.get(name);
    if (value == null) {
      return Map.of();
    }
    return Trees.asMap(value)
        .orElseThrow(() -> new TemplateException(source + ": " + name + " must be a mapping"));
  }

  private Map<String, Object> entry(String kind, String name, Object value) {
    return Trees.asMap(value)
        .orElseThrow(
            () -> new TemplateException(source + ": " + kind + " " + name + " must be a mapping"));
  }

  private Optional<String> text(String kind, String name, Map<String, Object> entry, String key) {
    Object value = entry.get(key);
    if (value == null) {
      return Optional.empty();
    }
    return Optional.of(
        Trees.scalarText(value)
            .orElseThrow(
                () ->
                    new TemplateException(
                        source + ": " + kind + " " + name + ": " + key + " must be a scalar")));
  }

  private Map<String, TemplateParameter> parseParameters(Map<String, Object> section) {
    Map<String, TemplateParameter> result = new LinkedHashMap<>();
    section.forEach(
        (name, value) -> {
          Map<String, Object> entry = entry("parameter", name, value);
          String type =
              text("parameter", name, entry, "Type")
                  .orElseThrow(
                      () -> new TemplateException(source + ": parameter " + name + " has no Type"));
          Optional<String> defaultValue =
              entry.get("Default") instanceof List<?> list
                  ? Optional.of(String.join(",", texts("parameter", name, "Default", list)))
                  : text("parameter", name, entry, "Default");
          List<String> allowed =
              entry.get("AllowedValues") instanceof List<?> list
                  ? texts("parameter", name, "AllowedValues", list)
                  : List.of();
          result.put(
              name,
              new TemplateParameter(
                  name,
                  type,
                  defaultValue,
                  allowed,
                  text("parameter", name, entry, "MinValue").map(v -> number(name, "MinValue", v)),
                  text("parameter", name, entry, "MaxValue").map(v -> number(name, "MaxValue", v)),
                  text("parameter", name, entry, "MinLength")
                      .map(v -> number(name, "MinLength", v).intValueExact()),
                  text("parameter", name, entry, "MaxLength")
                      .map(v -> number(name, "MaxLength", v).intValueExact()),
                  text("parameter", name, entry, "AllowedPattern"),
                  text("parameter", name, entry, "Description")));
        });
    return Collections.unmodifiableMap(result);
  }

  private List<String> texts(String kind, String name, String key, List<?> values) {
    List<String> result = new ArrayList<>();
    for (Object value : values) {
      result.add(
          Trees.scalarText(value)
              .orElseThrow(
                  () ->
                      new TemplateException(
                          source + ": " + kind + " " + name + ": " + key + " must hold scalars")));
    }
    return result;
  }

  private BigDecimal number(String parameter, String key, String value) {
    try {
      return new BigDecimal(value);
    } catch (NumberFormatException e) {
      throw new TemplateException(
          source + ": parameter " + parameter + ": " + key + " '" + value + "' is not a number");
    }
  }

  private Map<String, TemplateResource> parseResources(Map<String, Object> section) {
    Map<String, TemplateResource> result = new LinkedHashMap<>();
    section.forEach(
        (logicalId, value) -> {
          Map<String, Object> entry = entry("resource", logicalId, value);
          String type =
              text("resource", logicalId, entry, "Type")
                  .orElseThrow(
                      () ->
                          new TemplateException(
                              source + ": resource " + logicalId + " has no Type"));
          Object properties = entry.get("Properties");
          Object dependsOn = entry.get("DependsOn");
          result.put(
              logicalId,
              new TemplateResource(
                  logicalId,
                  type,
                  properties == null ? Map.of() : entry("resource", logicalId, properties),
                  text("resource", logicalId, entry, "DeletionPolicy"),
                  dependsOn == null
                      ? List.of()
                      : dependsOn instanceof List<?> list
                          ? texts("resource", logicalId, "DependsOn", list)
                          : List.of(text("resource", logicalId, entry, "DependsOn").orElseThrow()),
                  text("resource", logicalId, entry, "Condition")));
        });
    return Collections.unmodifiableMap(result);
  }

  private Map<String, TemplateOutput> parseOutputs(Map<String, Object> section) {
    Map<String, TemplateOutput> result = new LinkedHashMap<>();
    section.forEach(
        (name, value) -> {
          Map<String, Object> entry = entry("output", name, value);
          if (!entry.containsKey("Value")) {
            throw new TemplateException(source + ": output " + name + " has no Value");
          }
          result.put(
              name,
              new TemplateOutput(
                  name,
                  entry.get("Value"),
                  text("output", name, entry, "Description"),
                  text("output", name, entry, "Condition")));
        });
    return Collections.unmodifiableMap(result);
  }
}
