package io.fenceq.local.template.internal;

import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.TemplateException;
import io.fenceq.local.template.TemplateParameter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions against one stack: its parameter values, its pseudo
 * parameters and its resources (through a {@link ResourceLookup}, which provisions them on first
 * use).
 *
 * <p>Supported: {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join}, {@code
 * Fn::Select}, {@code Fn::Split}, {@code Fn::If} and conditions ({@code Fn::Equals}, {@code
 * Fn::Not}, {@code Fn::And}, {@code Fn::Or}, {@code Condition}), {@code Fn::FindInMap}, {@code
 * Fn::Base64}, {@code Fn::GetAZs}. Functions that need other stacks or services ({@code
 * Fn::ImportValue}, {@code Fn::Cidr}, {@code Fn::Transform}, ...) fail with a message naming the
 * resource, the property and the function. Only the taken branch of {@code Fn::If} is evaluated, so
 * a branch referring to a resource that is not created locally does no harm.
 */
public final class IntrinsicResolver {

  /** The value of {@code Ref AWS::NoValue}: the enclosing property or list element is dropped. */
  public static final Object NO_VALUE =
      new Object() {
        @Override
        public String toString() {
          return "AWS::NoValue";
        }
      };

  private static final Set<String> NOT_SUPPORTED_LOCALLY =
      Set.of(
          "Fn::ImportValue",
          "Fn::Cidr",
          "Fn::Transform",
          "Fn::Length",
          "Fn::ToJsonString",
          "Fn::ForEach",
          "Fn::GetStackOutput");

  private final CloudFormationTemplate template;
  private final PseudoParameters pseudo;
  private final Map<String, String> parameters;
  private final ResourceLookup resources;
  private final Map<String, Boolean> conditionValues = new HashMap<>();
  private final Set<String> conditionsInProgress = new LinkedHashSet<>();

  /**
   * A resolver for one stack.
   *
   * @param parameters validated parameter values, see {@link
   *     CloudFormationTemplate#parameterValues(Map)}
   */
  public IntrinsicResolver(
      CloudFormationTemplate template,
      PseudoParameters pseudo,
      Map<String, String> parameters,
      ResourceLookup resources) {
    this.template = Objects.requireNonNull(template, "template");
    this.pseudo = Objects.requireNonNull(pseudo, "pseudo");
    this.parameters = Map.copyOf(parameters);
    this.resources = Objects.requireNonNull(resources, "resources");
  }

  /**
   * {@code node} with every intrinsic function replaced by its value. Map entries and list elements
   * that resolve to {@code AWS::NoValue} are dropped; if {@code node} itself does, the result is
   * {@link #NO_VALUE}.
   */
  public Object resolve(Object node, Site site) {
    if (node instanceof Map<?, ?> map) {
      if (map.size() == 1) {
        Map.Entry<?, ?> only = map.entrySet().iterator().next();
        String key = String.valueOf(only.getKey());
        if (key.equals("Ref") || key.startsWith("Fn::")) {
          return function(key, only.getValue(), site);
        }
      }
      Map<String, Object> resolved = new LinkedHashMap<>();
      map.forEach(
          (key, value) -> {
            Object result = resolve(value, site.at(String.valueOf(key)));
            if (result != NO_VALUE) {
              resolved.put(String.valueOf(key), result);
            }
          });
      return Collections.unmodifiableMap(resolved);
    }
    if (node instanceof List<?> list) {
      List<Object> resolved = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        Object result = resolve(list.get(i), site.at(i));
        if (result != NO_VALUE) {
          resolved.add(result);
        }
      }
      return Collections.unmodifiableList(resolved);
    }
    return node;
  }

  /** {@link #resolve} for a value that must end up a string. */
  public String resolveText(Object node, Site site) {
    return text(resolve(node, site), site);
  }

  /**
   * The value of the template's condition {@code name}.
   *
   * @throws TemplateException if it is not declared or conditions refer to each other in a cycle
   */
  public boolean condition(String name, Site site) {
    Boolean known = conditionValues.get(name);
    if (known != null) {
      return known;
    }
    if (!template.conditions().containsKey(name)) {
      throw new TemplateException(
          site
              + ": condition '"
              + name
              + "' is not declared in "
              + template.source()
              + "; it declares "
              + template.conditions().keySet());
    }
    if (!conditionsInProgress.add(name)) {
      throw new TemplateException(
          site + ": conditions refer to each other in a cycle: " + cycle(name));
    }
    try {
      boolean value = evaluate(template.conditions().get(name), Site.condition(name));
      conditionValues.put(name, value);
      return value;
    } finally {
      conditionsInProgress.remove(name);
    }
  }

  private String cycle(String name) {
    List<String> path = new ArrayList<>(conditionsInProgress);
    path = path.subList(path.indexOf(name), path.size());
    return String.join(" -> ", path) + " -> " + name;
  }

  private Object function(String name, Object argument, Site site) {
    return switch (name) {
      case "Ref" -> ref(literal(name, argument, site), site);
      case "Fn::GetAtt" -> getAtt(argument, site);
      case "Fn::Sub" -> sub(argument, site);
      case "Fn::Join" -> join(argument, site);
      case "Fn::Select" -> select(argument, site);
      case "Fn::Split" -> split(argument, site);
      case "Fn::If" -> ifThenElse(argument, site);
      case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or" ->
          evaluate(Collections.singletonMap(name, argument), site);
      case "Fn::FindInMap" -> findInMap(argument, site);
      case "Fn::Base64" ->
          Base64.getEncoder()
              .encodeToString(resolveText(argument, site).getBytes(StandardCharsets.UTF_8));
      case "Fn::GetAZs" -> availabilityZones(resolveText(argument, site));
      default -> {
        if (NOT_SUPPORTED_LOCALLY.contains(name)) {
          throw new TemplateException(
              site + ": " + name + " is not supported locally (" + whyNot(name) + ")");
        }
        throw new TemplateException(site + ": unknown intrinsic function " + name);
      }
    };
  }

  private static String whyNot(String function) {
    return switch (function) {
      case "Fn::ImportValue", "Fn::GetStackOutput" ->
          "there are no other stacks to import from here";
      case "Fn::Transform" -> "macros do not run locally";
      default -> "the local provisioner does not implement it";
    };
  }

  private Object ref(String name, Site site) {
    Optional<Object> pseudoValue = pseudo.value(name);
    if (pseudoValue.isPresent()) {
      return pseudoValue.get();
    }
    if (name.startsWith("AWS::")) {
      throw new TemplateException(site + ": Ref " + name + ": unknown pseudo parameter");
    }
    String value = parameters.get(name);
    if (value != null) {
      TemplateParameter parameter = template.parameters().get(name);
      return parameter != null && parameter.isList() ? ParameterValues.elements(value) : value;
    }
    if (template.resources().containsKey(name)) {
      return resources.lookup(name, site).ref();
    }
    throw new TemplateException(
        site
            + ": Ref "
            + name
            + ": no parameter or resource of that name in "
            + template.source()
            + "; parameters "
            + template.parameters().keySet()
            + ", resources "
            + template.resources().keySet());
  }

  private String getAtt(Object argument, Site site) {
    List<?> args;
    if (argument instanceof String dotted && dotted.indexOf('.') > 0) {
      args =
          List.of(
              dotted.substring(0, dotted.indexOf('.')), dotted.substring(dotted.indexOf('.') + 1));
    } else {
      args = arguments("Fn::GetAtt", argument, 2, "[resource, attribute]", site);
    }
    String logicalId = literal("Fn::GetAtt", args.get(0), site);
    String attribute = resolveText(args.get(1), site);
    return getAtt(logicalId, attribute, site);
  }

  private String getAtt(String logicalId, String attribute, Site site) {
    if (!template.resources().containsKey(logicalId)) {
      String what =
          template.parameters().containsKey(logicalId)
              ? logicalId + " is a parameter, not a resource"
              : "no resource '" + logicalId + "' in " + template.source();
      throw new TemplateException(
          site
              + ": Fn::GetAtt "
              + logicalId
              + "."
              + attribute
              + ": "
              + what
              + "; resources "
              + template.resources().keySet());
    }
    return resources.lookup(logicalId, site).attribute(attribute, site);
  }

  private String sub(Object argument, Site site) {
    String text;
    Map<String, Object> variables;
    if (argument instanceof String string) {
      text = string;
      variables = Map.of();
    } else if (argument instanceof List<?> list
        && list.size() == 2
        && list.get(0) instanceof String string
        && Trees.asMap(list.get(1)).isPresent()) {
      text = string;
      variables = Trees.asMap(list.get(1)).orElseThrow();
    } else {
      throw new TemplateException(
          site
              + ": Fn::Sub needs a string or [string, {variables}], got "
              + Trees.describe(argument));
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    while (true) {
      int start = text.indexOf("${", from);
      if (start < 0) {
        out.append(text, from, text.length());
        return out.toString();
      }
      out.append(text, from, start);
      int end = text.indexOf('}', start + 2);
      if (end < 0) {
        throw new TemplateException(
            site + ": Fn::Sub: '${' without a closing '}' in \"" + text + "\"");
      }
      String name = text.substring(start + 2, end);
      if (name.startsWith("!")) {
        out.append("${").append(name, 1, name.length()).append('}');
      } else {
        out.append(subVariable(name.trim(), variables, site));
      }
      from = end + 1;
    }
  }

  private String subVariable(String name, Map<String, Object> variables, Site site) {
    if (variables.containsKey(name)) {
      return resolveText(variables.get(name), site);
    }
    int dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith("AWS::")) {
      return getAtt(name.substring(0, dot), name.substring(dot + 1), site);
    }
    Object value = ref(name, site);
    return Trees.scalarText(value)
        .orElseThrow(
            () ->
                new TemplateException(
                    site + ": Fn::Sub ${" + name + "}: " + name + " is not a string value"));
  }

  private String join(Object argument, Site site) {
    List<?> args = arguments("Fn::Join", argument, 2, "[delimiter, list]", site);
    String delimiter = resolveText(args.get(0), site);
    List<String> parts = new ArrayList<>();
    for (Object element : list("Fn::Join", resolve(args.get(1), site), site)) {
      parts.add(text(element, site));
    }
    return String.join(delimiter, parts);
  }

  private Object select(Object argument, Site site) {
    List<?> args = arguments("Fn::Select", argument, 2, "[index, list]", site);
    String indexText = resolveText(args.get(0), site);
    List<?> values = list("Fn::Select", resolve(args.get(1), site), site);
    int index;
    try {
      index = Integer.parseInt(indexText.trim());
    } catch (NumberFormatException e) {
      throw new TemplateException(
          site + ": Fn::Select index '" + indexText + "' is not a whole number");
    }
    if (index < 0 || index >= values.size()) {
      throw new TemplateException(
          site + ": Fn::Select index " + index + " is out of range for a list of " + values.size());
    }
    return values.get(index);
  }

  private List<String> split(Object argument, Site site) {
    List<?> args = arguments("Fn::Split", argument, 2, "[delimiter, string]", site);
    String delimiter = resolveText(args.get(0), site);
    String source = resolveText(args.get(1), site);
    if (delimiter.isEmpty()) {
      throw new TemplateException(site + ": Fn::Split needs a non-empty delimiter");
    }
    return List.of(source.split(Pattern.quote(delimiter), -1));
  }

  private Object ifThenElse(Object argument, Site site) {
    List<?> args =
        arguments("Fn::If", argument, 3, "[condition, value if true, value if false]", site);
    String condition = literal("Fn::If", args.get(0), site);
    return resolve(condition(condition, site) ? args.get(1) : args.get(2), site);
  }

  private boolean evaluate(Object node, Site site) {
    if (node instanceof Boolean value) {
      return value;
    }
    Optional<Map<String, Object>> map = Trees.asMap(node).filter(m -> m.size() == 1);
    if (map.isEmpty()) {
      throw notACondition(node, site);
    }
    Map.Entry<String, Object> only = map.get().entrySet().iterator().next();
    Object argument = only.getValue();
    return switch (only.getKey()) {
      case "Fn::Equals" -> {
        List<?> args = arguments("Fn::Equals", argument, 2, "[value, value]", site);
        yield comparable(resolve(args.get(0), site)).equals(comparable(resolve(args.get(1), site)));
      }
      case "Fn::Not" ->
          !evaluate(arguments("Fn::Not", argument, 1, "[condition]", site).get(0), site);
      case "Fn::And" -> {
        boolean all = true;
        for (Object condition : conditions("Fn::And", argument, site)) {
          all &= evaluate(condition, site);
        }
        yield all;
      }
      case "Fn::Or" -> {
        boolean any = false;
        for (Object condition : conditions("Fn::Or", argument, site)) {
          any |= evaluate(condition, site);
        }
        yield any;
      }
      case "Condition" -> condition(literal("Condition", argument, site), site);
      default -> throw notACondition(node, site);
    };
  }

  private static Object comparable(Object value) {
    return Trees.scalarText(value).<Object>map(text -> text).orElse(value);
  }

  private List<?> conditions(String function, Object argument, Site site) {
    if (!(argument instanceof List<?> list) || list.size() < 2 || list.size() > 10) {
      throw new TemplateException(
          site
              + ": "
              + function
              + " needs a list of 2 to 10 conditions, got "
              + Trees.describe(argument));
    }
    return list;
  }

  private static TemplateException notACondition(Object node, Site site) {
    return new TemplateException(
        site
            + ": expected a condition (Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition), got "
            + Trees.describe(node));
  }

  private Object findInMap(Object argument, Site site) {
    List<?> args =
        arguments("Fn::FindInMap", argument, 3, "[mapping, top-level key, second-level key]", site);
    String mapping = resolveText(args.get(0), site);
    String top = resolveText(args.get(1), site);
    String second = resolveText(args.get(2), site);
    Map<String, Object> topLevel =
        Trees.asMap(template.mappings().get(mapping))
            .orElseThrow(
                () ->
                    new TemplateException(
                        site
                            + ": Fn::FindInMap: no mapping '"
                            + mapping
                            + "' in "
                            + template.source()
                            + "; mappings "
                            + template.mappings().keySet()));
    Map<String, Object> secondLevel =
        Trees.asMap(topLevel.get(top))
            .orElseThrow(
                () ->
                    new TemplateException(
                        site
                            + ": Fn::FindInMap: mapping "
                            + mapping
                            + " has no key '"
                            + top
                            + "'"));
    if (!secondLevel.containsKey(second)) {
      throw new TemplateException(
          site
              + ": Fn::FindInMap: mapping "
              + mapping
              + "."
              + top
              + " has no key '"
              + second
              + "'");
    }
    return resolve(secondLevel.get(second), site);
  }

  private List<String> availabilityZones(String region) {
    String of = region.isEmpty() ? pseudo.region() : region;
    return List.of(of + "a", of + "b", of + "c");
  }

  private static List<?> arguments(
      String function, Object argument, int count, String shape, Site site) {
    if (argument instanceof List<?> list && list.size() == count) {
      return list;
    }
    throw new TemplateException(
        site + ": " + function + " needs " + shape + ", got " + Trees.describe(argument));
  }

  private static List<?> list(String function, Object value, Site site) {
    if (value instanceof List<?> list) {
      return list;
    }
    throw new TemplateException(
        site + ": " + function + " needs a list, got " + Trees.describe(value));
  }

  private static String literal(String function, Object value, Site site) {
    if (value instanceof String text && !text.isEmpty()) {
      return text;
    }
    throw new TemplateException(
        site + ": " + function + " needs a literal name, got " + Trees.describe(value));
  }

  private static String text(Object value, Site site) {
    return Trees.scalarText(value)
        .orElseThrow(
            () ->
                new TemplateException(
                    site + ": expected a string, but the value is " + Trees.describe(value)));
  }
}
