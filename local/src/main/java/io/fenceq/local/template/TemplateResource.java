package io.fenceq.local.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of a template's {@code Resources} section, unresolved: property values still hold
 * intrinsic functions in their long form ({@code {"Ref": "X"}}).
 *
 * @param logicalId the resource's key in {@code Resources}
 * @param type {@code AWS::SQS::Queue}, {@code AWS::DynamoDB::Table}, ...
 * @param properties the {@code Properties} map (unmodifiable, in template order)
 * @param deletionPolicy {@code DeletionPolicy}, e.g. {@code Retain}
 * @param dependsOn {@code DependsOn}, always as a list
 * @param condition the name of the {@code Condition} that decides whether it is created
 */
public record TemplateResource(
    String logicalId,
    String type,
    Map<String, Object> properties,
    Optional<String> deletionPolicy,
    List<String> dependsOn,
    Optional<String> condition) {

  /** Copies the list; {@code properties} is already a frozen tree. */
  public TemplateResource {
    dependsOn = List.copyOf(dependsOn);
  }
}
