package io.fenceq.local.template.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fenceq.local.template.TemplateException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * Creates an {@code AWS::SQS::Queue} from its resolved properties, or reuses the queue of that
 * name.
 *
 * <p>An existing queue with other attributes is updated where SQS allows it ({@link #UPDATABLE}),
 * like a CloudFormation stack update; {@code FifoQueue} cannot change and {@code
 * ContentBasedDeduplication} is left alone because ElasticMQ cannot change it.
 */
public final class QueueProvisioner {
  private static final Logger log = LoggerFactory.getLogger(QueueProvisioner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The CloudFormation type this provisions. */
  public static final String TYPE = "AWS::SQS::Queue";

  private static final List<String> NUMERIC =
      List.of(
          "VisibilityTimeout",
          "MessageRetentionPeriod",
          "MaximumMessageSize",
          "DelaySeconds",
          "ReceiveMessageWaitTimeSeconds");

  /** Properties read from the template; every other one is skipped. */
  public static final Set<String> SUPPORTED =
      Set.of(
          "QueueName",
          "FifoQueue",
          "ContentBasedDeduplication",
          "VisibilityTimeout",
          "MessageRetentionPeriod",
          "MaximumMessageSize",
          "DelaySeconds",
          "ReceiveMessageWaitTimeSeconds",
          "RedrivePolicy");

  /** Attributes that {@code SetQueueAttributes} may change on an existing queue. */
  static final Set<String> UPDATABLE =
      Set.of(
          "VisibilityTimeout",
          "MessageRetentionPeriod",
          "MaximumMessageSize",
          "DelaySeconds",
          "ReceiveMessageWaitTimeSeconds",
          "RedrivePolicy");

  private final SqsClient sqs;

  /** A provisioner creating queues through {@code sqs}. */
  public QueueProvisioner(SqsClient sqs) {
    this.sqs = sqs;
  }

  /**
   * The queue's name: {@code QueueName}, or {@code <stack>-<logicalId>} (plus {@code .fifo} for a
   * FIFO queue) where CloudFormation would generate one; stable, so provisioning is repeatable.
   */
  public static String queueName(String stackName, String logicalId, PropertyReader properties) {
    boolean fifo = properties.optionalBoolean("FifoQueue").orElse(false);
    String name =
        properties
            .optionalText("QueueName")
            .orElseGet(() -> stackName + "-" + logicalId + (fifo ? ".fifo" : ""));
    if (fifo != name.endsWith(".fifo")) {
      throw new TemplateException(
          properties.site().at("QueueName")
              + ": "
              + (fifo
                  ? "the name of a FIFO queue must end in .fifo, was '" + name + "'"
                  : "a name ending in .fifo needs FifoQueue: true, was '" + name + "'"));
    }
    return name;
  }

  /** The SQS attributes the properties ask for, as {@code CreateQueue} takes them. */
  public static Map<String, String> attributes(PropertyReader properties) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (properties.optionalBoolean("FifoQueue").orElse(false)) {
      attributes.put("FifoQueue", "true");
    }
    properties
        .optionalBoolean("ContentBasedDeduplication")
        .ifPresent(value -> attributes.put("ContentBasedDeduplication", value.toString()));
    for (String name : NUMERIC) {
      properties
          .optionalWholeNumber(name)
          .ifPresent(value -> attributes.put(name, value.toString()));
    }
    Object redrive = properties.raw("RedrivePolicy");
    if (redrive != null) {
      attributes.put("RedrivePolicy", redrivePolicyJson(redrive, properties.site()));
    }
    return attributes;
  }

  /**
   * SQS wants the redrive policy as a JSON string with a numeric {@code maxReceiveCount}; a
   * template gives a map whose values, after {@code Ref}, are strings.
   */
  private static String redrivePolicyJson(Object redrive, Site site) {
    if (redrive instanceof String json) {
      return json;
    }
    PropertyReader policy =
        new PropertyReader(Map.of("RedrivePolicy", redrive), site).map("RedrivePolicy");
    ObjectNode node = JSON.createObjectNode();
    node.put("deadLetterTargetArn", policy.text("deadLetterTargetArn"));
    node.put("maxReceiveCount", policy.wholeNumber("maxReceiveCount"));
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new TemplateException(site.at("RedrivePolicy") + ": cannot write it as JSON", e);
    }
  }

  /**
   * Creates (or reuses) the queue.
   *
   * @throws TemplateException naming the resource and the queue if SQS refuses
   */
  public ResourceValues provision(String logicalId, String stackName, PropertyReader properties) {
    String name = queueName(stackName, logicalId, properties);
    Map<String, String> attributes = attributes(properties);
    try {
      String url = createOrUpdate(logicalId, name, attributes);
      String arn =
          sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
              .attributes()
              .get(QueueAttributeName.QUEUE_ARN);
      log.info("queue ready resource={} queue={} url={}", logicalId, name, url);
      return new ResourceValues(
          logicalId, TYPE, url, Map.of("Arn", arn, "QueueName", name, "QueueUrl", url));
    } catch (SdkException e) {
      throw new TemplateException(
          "resource " + logicalId + ": creating queue " + name + " failed: " + e.getMessage(), e);
    }
  }

  private String createOrUpdate(String logicalId, String name, Map<String, String> attributes) {
    try {
      return sqs.createQueue(r -> r.queueName(name).attributesWithStrings(attributes)).queueUrl();
    } catch (QueueNameExistsException e) {
      String url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
      Map<String, String> changes = new LinkedHashMap<>(attributes);
      changes.keySet().retainAll(UPDATABLE);
      if (!changes.isEmpty()) {
        sqs.setQueueAttributes(r -> r.queueUrl(url).attributesWithStrings(changes));
      }
      log.info(
          "queue existed with other attributes, updated resource={} queue={} attributes={}",
          logicalId,
          name,
          changes.keySet());
      return url;
    }
  }
}
