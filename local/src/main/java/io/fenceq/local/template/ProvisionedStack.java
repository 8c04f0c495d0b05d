package io.fenceq.local.template;

import io.fenceq.local.template.internal.QueueProvisioner;
import io.fenceq.local.template.internal.ResourceValues;
import io.fenceq.local.template.internal.TableProvisioner;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The queues and tables a template created, and its outputs, as the emulators answered them.
 *
 * <p>Code that needs a queue URL or table name asks for it by the template's logical id ({@code
 * WorkQueue}, {@code LeaseTable}), never by a literal name, so renaming a resource in {@code
 * template.yaml} cannot leave local runs pointing at the old one. Immutable.
 */
public final class ProvisionedStack {
  private final String stackName;
  private final Map<String, String> parameters;
  private final Map<String, ResourceValues> resources;
  private final Map<String, String> outputs;

  ProvisionedStack(
      String stackName,
      Map<String, String> parameters,
      Map<String, ResourceValues> resources,
      Map<String, String> outputs) {
    this.stackName = stackName;
    this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    this.resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
    this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }

  /** The stack's name, which prefixes generated resource names. */
  public String stackName() {
    return stackName;
  }

  /** The parameter values the stack was provisioned with, in template order. */
  public Map<String, String> parameters() {
    return parameters;
  }

  /**
   * The template's {@code Outputs}, resolved, in template order. Outputs that need a resource not
   * provisioned locally (a function, an alarm) or whose condition is false are left out.
   */
  public Map<String, String> outputs() {
    return outputs;
  }

  /**
   * One output.
   *
   * @throws IllegalArgumentException naming the output and listing the ones there are
   */
  public String output(String name) {
    String value = outputs.get(name);
    if (value == null) {
      throw new IllegalArgumentException(
          "stack " + stackName + " has no output '" + name + "'; its outputs: " + outputs.keySet());
    }
    return value;
  }

  /**
   * The URL of the queue with this logical id.
   *
   * @throws IllegalArgumentException naming the id and listing the stack's queues
   */
  public String queueUrl(String logicalId) {
    return resource(logicalId, QueueProvisioner.TYPE, "queue").ref();
  }

  /**
   * The ARN of the queue with this logical id.
   *
   * @throws IllegalArgumentException naming the id and listing the stack's queues
   */
  public String queueArn(String logicalId) {
    return resource(logicalId, QueueProvisioner.TYPE, "queue").attributes().get("Arn");
  }

  /**
   * The name of the table with this logical id.
   *
   * @throws IllegalArgumentException naming the id and listing the stack's tables
   */
  public String tableName(String logicalId) {
    return resource(logicalId, TableProvisioner.TYPE, "table").ref();
  }

  /**
   * The ARN of the table with this logical id.
   *
   * @throws IllegalArgumentException naming the id and listing the stack's tables
   */
  public String tableArn(String logicalId) {
    return resource(logicalId, TableProvisioner.TYPE, "table").attributes().get("Arn");
  }

  private ResourceValues resource(String logicalId, String type, String kind) {
    ResourceValues resource = resources.get(logicalId);
    if (resource != null && resource.type().equals(type)) {
      return resource;
    }
    List<String> known =
        resources.values().stream()
            .filter(r -> r.type().equals(type))
            .map(ResourceValues::logicalId)
            .toList();
    throw new IllegalArgumentException(
        "stack "
            + stackName
            + " has no "
            + kind
            + " with logical id '"
            + logicalId
            + "'"
            + (resource == null ? "" : " (" + logicalId + " is a " + resource.type() + ")")
            + "; its "
            + kind
            + "s: "
            + known);
  }

  @Override
  public String toString() {
    return "ProvisionedStack[" + stackName + ", resources=" + resources.keySet() + "]";
  }
}
