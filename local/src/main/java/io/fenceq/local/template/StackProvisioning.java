package io.fenceq.local.template;

import io.fenceq.local.template.internal.BucketProvisioner;
import io.fenceq.local.template.internal.IntrinsicResolver;
import io.fenceq.local.template.internal.NotProvisionedLocallyException;
import io.fenceq.local.template.internal.PropertyReader;
import io.fenceq.local.template.internal.PseudoParameters;
import io.fenceq.local.template.internal.QueueProvisioner;
import io.fenceq.local.template.internal.ResourceValues;
import io.fenceq.local.template.internal.Site;
import io.fenceq.local.template.internal.TableProvisioner;
import io.fenceq.local.template.internal.Trees;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provisioning run of one template as one stack.
 *
 * <p>Resources are created on first need: walking the template in order, and whenever a property
 * refers to a resource that does not exist yet. That yields dependency order without building a
 * graph; a resource that is reached again while it is being resolved is a cycle.
 */
final class StackProvisioning {
  private static final Logger log = LoggerFactory.getLogger(StackProvisioning.class);

  private sealed interface Outcome permits Created, NotCreated {}

  private record Created(ResourceValues values) implements Outcome {}

  private record NotCreated(String reason) implements Outcome {}

  private final CloudFormationTemplate template;
  private final String stackName;
  private final Map<String, String> parameters;
  private final QueueProvisioner queues;
  private final TableProvisioner tables;
  private final BucketProvisioner buckets;
  private final IntrinsicResolver resolver;
  private final Map<String, Outcome> outcomes = new LinkedHashMap<>();
  private final Set<String> inProgress = new LinkedHashSet<>();

  StackProvisioning(
      CloudFormationTemplate template,
      PseudoParameters pseudo,
      Map<String, String> parameterOverrides,
      QueueProvisioner queues,
      TableProvisioner tables,
      BucketProvisioner buckets) {
    this.template = template;
    this.stackName = pseudo.stackName();
    this.parameters = template.parameterValues(parameterOverrides);
    this.queues = queues;
    this.tables = tables;
    this.buckets = buckets;
    this.resolver = new IntrinsicResolver(template, pseudo, parameters, this::lookup);
  }

  ProvisionedStack run() {
    for (String logicalId : template.resources().keySet()) {
      outcome(logicalId, new Site("stack " + stackName, ""));
    }
    Map<String, ResourceValues> created = new LinkedHashMap<>();
    outcomes.forEach(
        (logicalId, outcome) -> {
          if (outcome instanceof Created c) {
            created.put(logicalId, c.values());
          }
        });
    return new ProvisionedStack(stackName, parameters, created, outputs());
  }

  private ResourceValues lookup(String logicalId, Site from) {
    Outcome outcome = outcome(logicalId, from);
    if (outcome instanceof Created created) {
      return created.values();
    }
    throw new NotProvisionedLocallyException(
        from + ": refers to resource " + logicalId + ", which " + ((NotCreated) outcome).reason());
  }

  private Outcome outcome(String logicalId, Site from) {
    Outcome known = outcomes.get(logicalId);
    if (known != null) {
      return known;
    }
    if (inProgress.contains(logicalId)) {
      List<String> cycle = new ArrayList<>(inProgress);
      cycle = new ArrayList<>(cycle.subList(cycle.indexOf(logicalId), cycle.size()));
      cycle.add(logicalId);
      throw new TemplateException(
          from + ": resources depend on each other in a cycle: " + String.join(" -> ", cycle));
    }
    TemplateResource resource = template.resources().get(logicalId);
    if (resource == null) {
      throw new TemplateException(
          from
              + ": no resource '"
              + logicalId
              + "' in "
              + template.source()
              + "; resources "
              + template.resources().keySet());
    }
    inProgress.add(logicalId);
    try {
      Outcome outcome = create(resource);
      outcomes.put(logicalId, outcome);
      return outcome;
    } finally {
      inProgress.remove(logicalId);
    }
  }

  private Outcome create(TemplateResource resource) {
    String logicalId = resource.logicalId();
    Site site = Site.resource(logicalId);
    if (resource.condition().isPresent() && !resolver.condition(resource.condition().get(), site)) {
      log.debug(
          "resource not created, condition false resource={} condition={}",
          logicalId,
          resource.condition().get());
      return new NotCreated(
          "is not created: its condition " + resource.condition().get() + " is false");
    }
    Set<String> supported =
        switch (resource.type()) {
          case QueueProvisioner.TYPE -> QueueProvisioner.SUPPORTED;
          case TableProvisioner.TYPE -> TableProvisioner.SUPPORTED;
          case BucketProvisioner.TYPE -> buckets == null ? null : BucketProvisioner.SUPPORTED;
          default -> null;
        };
    if (supported == null) {
      log.debug(
          "resource type not provisioned locally resource={} type={}", logicalId, resource.type());
      return new NotCreated("has type " + resource.type() + ", which is not provisioned locally");
    }
    for (String dependency : resource.dependsOn()) {
      outcome(dependency, new Site(site.owner(), "DependsOn"));
    }
    List<String> skipped =
        resource.properties().keySet().stream().filter(key -> !supported.contains(key)).toList();
    if (!skipped.isEmpty()) {
      log.debug(
          "skipping properties the emulators do not support resource={} type={} properties={}",
          logicalId,
          resource.type(),
          skipped);
    }
    Map<String, Object> resolved = new LinkedHashMap<>();
    resource
        .properties()
        .forEach(
            (key, value) -> {
              if (supported.contains(key)) {
                Object result = resolver.resolve(value, site.at(key));
                if (result != IntrinsicResolver.NO_VALUE) {
                  resolved.put(key, result);
                }
              }
            });
    PropertyReader properties = new PropertyReader(resolved, site);
    ResourceValues values =
        switch (resource.type()) {
          case QueueProvisioner.TYPE -> queues.provision(logicalId, stackName, properties);
          case BucketProvisioner.TYPE -> buckets.provision(logicalId, stackName, properties);
          default -> tables.provision(logicalId, stackName, properties);
        };
    return new Created(values);
  }

  private Map<String, String> outputs() {
    Map<String, String> outputs = new LinkedHashMap<>();
    for (TemplateOutput output : template.outputs().values()) {
      Site site = Site.output(output.name());
      if (output.condition().isPresent() && !resolver.condition(output.condition().get(), site)) {
        log.debug("output left out, condition false output={}", output.name());
        continue;
      }
      Object value;
      try {
        value = resolver.resolve(output.value(), site.at("Value"));
      } catch (NotProvisionedLocallyException e) {
        log.debug("output left out output={} reason=\"{}\"", output.name(), e.getMessage());
        continue;
      }
      outputs.put(
          output.name(),
          Trees.scalarText(value)
              .orElseThrow(
                  () ->
                      new TemplateException(
                          site.at("Value")
                              + ": an output must be a string, but it resolves to "
                              + Trees.describe(value))));
    }
    return outputs;
  }
}
