package io.fenceq.tests.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the CloudFormation resource specification (property names, which are required, which
 * are structures) for the resource types the template's monitoring uses and no other rule knows:
 * the dashboard and Application Auto Scaling. Transcribed from the specification's entries for
 * {@code AWS::CloudWatch::Dashboard}, {@code AWS::ApplicationAutoScaling::ScalableTarget} and
 * {@code AWS::ApplicationAutoScaling::ScalingPolicy}; a misspelt or misplaced property, which
 * CloudFormation would refuse only at deploy time, fails the build instead.
 */
final class ResourceSpecification {
  /** A property whose value is text, a number, a list of those or an intrinsic function. */
  static final Shape VALUE = new Shape(Set.of(), Map.of());

  private static final Shape DIMENSION = structure(Set.of("Name", "Value"), Map.of());

  private static final Shape TARGET_TRACKING_METRIC_DATA_QUERY =
      structure(
          Set.of(),
          Map.of(
              "Expression", VALUE,
              "Id", VALUE,
              "Label", VALUE,
              "ReturnData", VALUE,
              "MetricStat",
                  structure(
                      Set.of(),
                      Map.of(
                          "Metric",
                              structure(
                                  Set.of(),
                                  Map.of(
                                      "Dimensions", DIMENSION,
                                      "MetricName", VALUE,
                                      "Namespace", VALUE)),
                          "Stat", VALUE,
                          "Unit", VALUE))));

  private static final Shape TARGET_TRACKING =
      structure(
          Set.of("TargetValue"),
          Map.of(
              "TargetValue", VALUE,
              "DisableScaleIn", VALUE,
              "ScaleInCooldown", VALUE,
              "ScaleOutCooldown", VALUE,
              "PredefinedMetricSpecification",
                  structure(
                      Set.of("PredefinedMetricType"),
                      Map.of("PredefinedMetricType", VALUE, "ResourceLabel", VALUE)),
              "CustomizedMetricSpecification",
                  structure(
                      Set.of(),
                      Map.of(
                          "Dimensions", DIMENSION,
                          "MetricName", VALUE,
                          "Metrics", TARGET_TRACKING_METRIC_DATA_QUERY,
                          "Namespace", VALUE,
                          "Statistic", VALUE,
                          "Unit", VALUE))));

  /** The specified resource types, by type name. */
  static final Map<String, Shape> TYPES =
      Map.of(
          "AWS::CloudWatch::Dashboard",
          structure(
              Set.of("DashboardBody"), Map.of("DashboardBody", VALUE, "DashboardName", VALUE)),
          "AWS::ApplicationAutoScaling::ScalableTarget",
          structure(
              Set.of(
                  "MaxCapacity",
                  "MinCapacity",
                  "ResourceId",
                  "ScalableDimension",
                  "ServiceNamespace"),
              Map.of(
                  "MaxCapacity", VALUE,
                  "MinCapacity", VALUE,
                  "ResourceId", VALUE,
                  "RoleARN", VALUE,
                  "ScalableDimension", VALUE,
                  "ScheduledActions", VALUE,
                  "ServiceNamespace", VALUE,
                  "SuspendedState",
                      structure(
                          Set.of(),
                          Map.of(
                              "DynamicScalingInSuspended", VALUE,
                              "DynamicScalingOutSuspended", VALUE,
                              "ScheduledScalingSuspended", VALUE)))),
          "AWS::ApplicationAutoScaling::ScalingPolicy",
          structure(
              Set.of("PolicyName", "PolicyType"),
              Map.of(
                  "PolicyName", VALUE,
                  "PolicyType", VALUE,
                  "ResourceId", VALUE,
                  "ScalableDimension", VALUE,
                  "ScalingTargetId", VALUE,
                  "ServiceNamespace", VALUE,
                  "StepScalingPolicyConfiguration", VALUE,
                  "PredictiveScalingPolicyConfiguration", VALUE,
                  "TargetTrackingScalingPolicyConfiguration", TARGET_TRACKING)));

  private ResourceSpecification() {}

  private static Shape structure(Set<String> required, Map<String, Shape> properties) {
    return new Shape(required, properties);
  }

  /**
   * What a property's value may hold: a value ({@link #VALUE}, no properties), or a structure (or a
   * list of structures) with these properties, of which {@code required} must be present.
   */
  record Shape(Set<String> required, Map<String, Shape> properties) {
    /**
     * The problems of {@code node} against this shape, each naming {@code path}. Intrinsic
     * functions are not looked into: CloudFormation checks what they resolve to.
     */
    List<String> check(String path, Object node) {
      List<String> problems = new ArrayList<>();
      if (properties.isEmpty()) {
        return problems;
      }
      if (node instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          problems.addAll(check(path + "[" + i + "]", list.get(i)));
        }
        return problems;
      }
      if (!(node instanceof Map<?, ?> map) || intrinsic(map)) {
        return problems;
      }
      for (String name : required) {
        if (!map.containsKey(name)) {
          problems.add(path + ": lacks required property " + name);
        }
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String name = String.valueOf(e.getKey());
        Shape shape = properties.get(name);
        if (shape == null) {
          problems.add(
              path
                  + ": has no property "
                  + name
                  + " (the specification's: "
                  + properties.keySet().stream().sorted().toList()
                  + ")");
        } else {
          problems.addAll(shape.check(path + "." + name, e.getValue()));
        }
      }
      return problems;
    }

    private static boolean intrinsic(Map<?, ?> map) {
      return map.size() == 1
          && map.keySet().iterator().next() instanceof String key
          && (key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::"));
    }
  }
}
