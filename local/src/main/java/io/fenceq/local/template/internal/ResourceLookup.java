package io.fenceq.local.template.internal;

/**
 * Gives the resolver a resource's {@code Ref} and {@code Fn::GetAtt} values, provisioning it first
 * if needed. This is what makes provisioning follow dependency order without a separate graph: a
 * property that refers to another resource makes that one exist before its value is read.
 */
@FunctionalInterface
public interface ResourceLookup {

  /**
   * The values of the resource {@code logicalId}, which the template declares.
   *
   * @param from where the reference is, for error messages
   * @throws NotProvisionedLocallyException if the resource is not created here (ignored type or a
   *     false condition)
   */
  ResourceValues lookup(String logicalId, Site from);
}
