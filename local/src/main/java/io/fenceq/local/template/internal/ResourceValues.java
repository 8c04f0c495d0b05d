package io.fenceq.local.template.internal;

import io.fenceq.local.template.TemplateException;
import java.util.Map;

/**
 * What a provisioned resource answers to {@code Ref} and {@code Fn::GetAtt}: for a queue its URL
 * and {@code Arn}/{@code QueueName}/{@code QueueUrl}, for a table its name and {@code Arn}.
 *
 * @param logicalId the resource's key in the template
 * @param type its CloudFormation type
 * @param ref the value of {@code Ref}
 * @param attributes the values of {@code Fn::GetAtt}, by attribute name
 */
public record ResourceValues(
    String logicalId, String type, String ref, Map<String, String> attributes) {

  /** Copies the attributes so the record stays immutable. */
  public ResourceValues {
    attributes = Map.copyOf(attributes);
  }

  /**
   * The attribute {@code name}.
   *
   * @throws TemplateException naming the resource, its type and the attributes it has
   */
  public String attribute(String name, Site site) {
    String value = attributes.get(name);
    if (value == null) {
      throw new TemplateException(
          site
              + ": Fn::GetAtt "
              + logicalId
              + "."
              + name
              + ": resource "
              + logicalId
              + " ("
              + type
              + ") has no attribute '"
              + name
              + "'; it has "
              + attributes.keySet().stream().sorted().toList());
    }
    return value;
  }
}
