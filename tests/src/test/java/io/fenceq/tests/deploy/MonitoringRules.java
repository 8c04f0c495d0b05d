package io.fenceq.tests.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceq.engine.EngineMetrics;
import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.TemplateParameter;
import io.fenceq.local.template.TemplateResource;
import io.fenceq.local.template.internal.Trees;
import io.fenceq.metrics.EmbeddedMetricFormat;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template's monitoring against the code: the dashboard is JSON in both consumer modes and
 * shows the queues, the engine's metrics by the names {@link EngineMetrics} publishes them under
 * (in {@link EmbeddedMetricFormat#NAMESPACE}) and the consumer of the mode; the ECS workers scale
 * on backlog per task between parameters; the new resource types keep the resource specification
 * ({@link ResourceSpecification}).
 */
final class MonitoringRules {
  static final String DASHBOARD = "Dashboard";
  static final String SCALABLE_TARGET = "WorkerScalableTarget";
  static final String SCALING_POLICY = "WorkerBacklogScalingPolicy";

  private static final String FENCEQ = EmbeddedMetricFormat.NAMESPACE;
  private static final Set<String> NAMESPACES =
      Set.of("AWS/SQS", "AWS/Lambda", "AWS/ECS", "ECS/ContainerInsights", FENCEQ);

  /** {@code SEARCH('{fenceq,queue,type} MetricName="JobsOk" queue="work.fifo"', ...)}. */
  private static final Pattern SEARCH =
      Pattern.compile(
          "SEARCH\\('\\{([^,}]+)[^}]*}\\s*MetricName=\"([^\"]+)\"\\s*(\\w+)=\"([^\"]+)\"");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CloudFormationTemplate template;
  private final TemplateRules rules;

  MonitoringRules(CloudFormationTemplate template, TemplateRules rules) {
    this.template = template;
    this.rules = rules;
  }

  List<String> all() {
    List<String> problems = new ArrayList<>();
    problems.addAll(specification());
    problems.addAll(dashboard());
    problems.addAll(workerAutoScaling());
    return problems;
  }

  /** The metric names the engine publishes: {@link EngineMetrics}' constants but its dimensions. */
  static Set<String> engineMetrics() {
    Set<String> names = new TreeSet<>();
    for (Field field : EngineMetrics.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        try {
          String value = (String) field.get(null);
          if (!value.equals(EngineMetrics.QUEUE) && !value.equals(EngineMetrics.TYPE)) {
            names.add(value);
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return names;
  }

  /** Every resource of a specified type against the specification. */
  List<String> specification() {
    List<String> problems = new ArrayList<>();
    for (TemplateResource r : template.resources().values()) {
      ResourceSpecification.Shape shape = ResourceSpecification.TYPES.get(r.type());
      if (shape != null) {
        problems.addAll(shape.check(r.logicalId(), r.properties()));
      }
    }
    return problems;
  }

  /** What the dashboard must show in each consumer mode, and that it names only real metrics. */
  List<String> dashboard() {
    List<String> problems = new ArrayList<>();
    TemplateResource resource = template.resources().get(DASHBOARD);
    if (resource == null || !resource.type().equals("AWS::CloudWatch::Dashboard")) {
      return List.of("no AWS::CloudWatch::Dashboard named " + DASHBOARD);
    }
    Set<String> published = engineMetrics();
    for (String mode : List.of("lambda", "ecs")) {
      String where = DASHBOARD + " with ConsumerMode=" + mode;
      Object body =
          rules.resolvedProperties(DASHBOARD, Map.of("ConsumerMode", mode)).get("DashboardBody");
      JsonNode root;
      try {
        root = JSON.readTree(String.valueOf(body));
      } catch (Exception e) {
        problems.add(
            where
                + ": DashboardBody is not JSON: "
                + e.getMessage().lines().findFirst().orElse(""));
        continue;
      }
      Set<String> shown = new TreeSet<>();
      for (JsonNode widget : root.path("widgets")) {
        if (!widget.path("type").asText().equals("metric")) {
          continue;
        }
        JsonNode properties = widget.path("properties");
        String title = properties.path("title").asText("(untitled)");
        if (properties.path("region").asText().isEmpty()) {
          problems.add(where + ": widget '" + title + "' needs a region");
        }
        for (JsonNode row : properties.path("metrics")) {
          shown.addAll(metrics(row, where, title, problems));
        }
      }
      for (String metric : shown) {
        String[] parts = metric.split(" ");
        if (parts[0].equals(FENCEQ) && !published.contains(parts[1])) {
          problems.add(
              where
                  + ": shows "
                  + FENCEQ
                  + " metric "
                  + parts[1]
                  + ", which the engine does not"
                  + " publish (EngineMetrics: "
                  + published
                  + ")");
        }
      }
      List<String> required =
          new ArrayList<>(
              List.of(
                  "AWS/SQS ApproximateNumberOfMessagesVisible QueueName=WorkQueue",
                  "AWS/SQS ApproximateAgeOfOldestMessage QueueName=WorkQueue",
                  "AWS/SQS ApproximateNumberOfMessagesVisible QueueName=DeadLetterQueue",
                  FENCEQ + " " + EngineMetrics.JOBS_OK + " queue=WorkQueue",
                  FENCEQ + " " + EngineMetrics.JOBS_FAILED + " queue=WorkQueue",
                  FENCEQ + " " + EngineMetrics.JOBS_DEAD_LETTERED + " queue=WorkQueue",
                  FENCEQ + " " + EngineMetrics.JOBS_FENCED + " queue=WorkQueue",
                  FENCEQ + " " + EngineMetrics.LEASE_REFUSALS + " queue=WorkQueue"));
      if (mode.equals("lambda")) {
        required.add("AWS/Lambda Errors FunctionName=ConsumerFunction");
        required.add("AWS/Lambda Throttles FunctionName=ConsumerFunction");
      } else {
        String service = "ClusterName=WorkerCluster ServiceName=WorkerService";
        required.add("AWS/ECS CPUUtilization " + service);
        required.add("ECS/ContainerInsights RunningTaskCount " + service);
      }
      for (String metric : required) {
        if (!shown.contains(metric)) {
          problems.add(where + ": shows no " + metric);
        }
      }
    }
    return problems;
  }

  /**
   * The metrics one row of a widget names, as {@code "namespace name dim=value ..."}: a metric
   * array, or an expression whose SEARCH names them.
   */
  private static List<String> metrics(
      JsonNode row, String where, String title, List<String> problems) {
    List<String> found = new ArrayList<>();
    if (row.size() >= 2 && row.get(0).isTextual()) {
      StringBuilder metric = new StringBuilder(row.get(0).asText() + " " + row.get(1).asText());
      for (int i = 2; i + 1 < row.size() && row.get(i).isTextual(); i += 2) {
        metric.append(' ').append(row.get(i).asText()).append('=').append(row.get(i + 1).asText());
      }
      found.add(metric.toString());
    }
    for (JsonNode element : row) {
      Matcher m = SEARCH.matcher(element.path("expression").asText());
      while (m.find()) {
        found.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + "=" + m.group(4));
      }
    }
    for (String metric : found) {
      String namespace = metric.substring(0, metric.indexOf(' '));
      if (!NAMESPACES.contains(namespace)) {
        problems.add(
            where
                + ": widget '"
                + title
                + "' names namespace "
                + namespace
                + ", not one of "
                + new TreeSet<>(NAMESPACES));
      }
    }
    return found;
  }

  /**
   * The ECS service scales by target tracking on backlog per task: visible jobs on the work queue
   * divided by the service's running tasks, with minimum, maximum and target as parameters.
   */
  List<String> workerAutoScaling() {
    List<String> problems = new ArrayList<>();
    TemplateResource target = template.resources().get(SCALABLE_TARGET);
    TemplateResource policy = template.resources().get(SCALING_POLICY);
    if (target == null || !target.type().equals("AWS::ApplicationAutoScaling::ScalableTarget")) {
      return List.of("no AWS::ApplicationAutoScaling::ScalableTarget named " + SCALABLE_TARGET);
    }
    if (policy == null || !policy.type().equals("AWS::ApplicationAutoScaling::ScalingPolicy")) {
      return List.of("no AWS::ApplicationAutoScaling::ScalingPolicy named " + SCALING_POLICY);
    }
    Optional<String> ecs = template.resources().get(TemplateRules.WORKER_SERVICE).condition();
    for (TemplateResource r : List.of(target, policy)) {
      if (!r.condition().equals(ecs)) {
        problems.add(r.logicalId() + ": Condition must be the worker service's " + ecs.orElse(""));
      }
    }
    Map<String, Object> t = target.properties();
    expect(problems, SCALABLE_TARGET, "ServiceNamespace", "ecs", t.get("ServiceNamespace"));
    expect(
        problems,
        SCALABLE_TARGET,
        "ScalableDimension",
        "ecs:service:DesiredCount",
        t.get("ScalableDimension"));
    Map<String, String> ecsMode = Map.of("ConsumerMode", "ecs");
    expect(
        problems,
        SCALABLE_TARGET,
        "ResourceId",
        "service/WorkerCluster/WorkerService",
        rules.resolvedProperties(SCALABLE_TARGET, ecsMode).get("ResourceId"));
    TemplateParameter min =
        parameter(problems, SCALABLE_TARGET, "MinCapacity", t.get("MinCapacity"));
    TemplateParameter max =
        parameter(problems, SCALABLE_TARGET, "MaxCapacity", t.get("MaxCapacity"));
    if (min != null && max != null) {
      BigDecimal low = new BigDecimal(min.defaultValue().orElse("0"));
      if (min.minValue().map(v -> v.compareTo(BigDecimal.ONE) < 0).orElse(true)) {
        problems.add(
            min.name()
                + ": MinValue must be at least 1, since backlog per task divides by the"
                + " running tasks");
      }
      if (low.compareTo(new BigDecimal(max.defaultValue().orElse("0"))) > 0) {
        problems.add(min.name() + ": default above " + max.name() + "'s");
      }
    }

    Map<String, Object> p = policy.properties();
    expect(problems, SCALING_POLICY, "PolicyType", "TargetTrackingScaling", p.get("PolicyType"));
    expect(
        problems,
        SCALING_POLICY,
        "ScalingTargetId",
        Map.of("Ref", SCALABLE_TARGET),
        p.get("ScalingTargetId"));
    Map<String, Object> tracking = map(p.get("TargetTrackingScalingPolicyConfiguration"));
    parameter(problems, SCALING_POLICY, "TargetValue", tracking.get("TargetValue"));
    Map<String, Object> resolved =
        map(
            rules
                .resolvedProperties(SCALING_POLICY, ecsMode)
                .get("TargetTrackingScalingPolicyConfiguration"));
    List<?> queries = list(map(resolved.get("CustomizedMetricSpecification")).get("Metrics"));
    String backlog = null;
    String tasks = null;
    List<String> returned = new ArrayList<>();
    for (Object q : queries) {
      Map<String, Object> query = map(q);
      String id = String.valueOf(query.get("Id"));
      if (Boolean.TRUE.equals(query.get("ReturnData")) || "true".equals(query.get("ReturnData"))) {
        returned.add(String.valueOf(query.get("Expression")));
      }
      Map<String, Object> metric = map(map(query.get("MetricStat")).get("Metric"));
      StringBuilder named =
          new StringBuilder(metric.get("Namespace") + " " + metric.get("MetricName"));
      for (Object d : list(metric.get("Dimensions"))) {
        named.append(' ').append(map(d).get("Name")).append('=').append(map(d).get("Value"));
      }
      switch (named.toString()) {
        case "AWS/SQS ApproximateNumberOfMessagesVisible QueueName=WorkQueue" -> backlog = id;
        case "ECS/ContainerInsights RunningTaskCount ClusterName=WorkerCluster"
                + " ServiceName=WorkerService" ->
            tasks = id;
        default -> {}
      }
    }
    if (backlog == null || tasks == null) {
      problems.add(
          SCALING_POLICY
              + ": needs the work queue's ApproximateNumberOfMessagesVisible and the"
              + " service's RunningTaskCount among its metrics");
    } else if (returned.size() != 1
        || !returned.get(0).replace(" ", "").equals(backlog + "/" + tasks)) {
      problems.add(
          SCALING_POLICY
              + ": exactly one query must return data, the expression "
              + backlog
              + " / "
              + tasks
              + "; returns "
              + returned);
    }
    return problems;
  }

  private void expect(
      List<String> problems, String id, String property, Object expected, Object actual) {
    if (!Objects.equals(expected, actual)) {
      problems.add(id + ": " + property + " must be " + expected + ", is " + actual);
    }
  }

  /**
   * The parameter {@code value} refers to, or null (with a problem) when it is not a Ref to one.
   */
  private TemplateParameter parameter(
      List<String> problems, String id, String property, Object value) {
    Object ref = map(value).get("Ref");
    TemplateParameter declared = ref == null ? null : template.parameters().get(ref.toString());
    if (declared == null) {
      problems.add(id + ": " + property + " must be a template parameter, is " + value);
    }
    return declared;
  }

  private static Map<String, Object> map(Object node) {
    return Trees.asMap(node).orElse(Map.of());
  }

  private static List<?> list(Object node) {
    return node instanceof List<?> list ? list : List.of();
  }
}
