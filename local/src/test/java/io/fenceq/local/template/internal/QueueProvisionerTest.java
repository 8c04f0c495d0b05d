package io.fenceq.local.template.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.TemplateException;
import io.fenceq.local.template.TemplateResource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attributes sent to {@code CreateQueue}. Checked here rather than read back from the emulator
 * because ElasticMQ accepts but neither keeps nor reports {@code MaximumMessageSize} and {@code
 * MessageRetentionPeriod}.
 */
class QueueProvisionerTest {
  private static final String DLQ_ARN = "arn:aws:sqs:us-east-1:000000000000:s-dlq.fifo";

  private static PropertyReader resolvedProperties(
      CloudFormationTemplate template, String logicalId) {
    IntrinsicResolver resolver =
        new IntrinsicResolver(
            template,
            new PseudoParameters("s", "us-east-1", "000000000000"),
            template.parameterValues(Map.of()),
            (id, from) ->
                new ResourceValues(id, QueueProvisioner.TYPE, "url", Map.of("Arn", DLQ_ARN)));
    TemplateResource resource = template.resources().get(logicalId);
    Map<String, Object> resolved = new LinkedHashMap<>();
    resource
        .properties()
        .forEach(
            (key, value) -> {
              if (QueueProvisioner.SUPPORTED.contains(key)) {
                resolved.put(key, resolver.resolve(value, Site.resource(logicalId).at(key)));
              }
            });
    return new PropertyReader(resolved, Site.resource(logicalId));
  }

  @Test
  void theWorkQueueGetsEveryDeclaredAttribute() throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();
    Map<String, String> attributes =
        QueueProvisioner.attributes(resolvedProperties(template, "WorkQueue"));

    Map<String, Object> declared = template.resources().get("WorkQueue").properties();
    assertThat(attributes)
        .containsEntry("FifoQueue", "true")
        .containsEntry("ContentBasedDeduplication", "false")
        .containsEntry(
            "VisibilityTimeout", template.parameterValues(Map.of()).get("VisibilityTimeoutSeconds"))
        .containsEntry("MaximumMessageSize", declared.get("MaximumMessageSize").toString())
        .containsEntry("MessageRetentionPeriod", declared.get("MessageRetentionPeriod").toString())
        .containsEntry(
            "ReceiveMessageWaitTimeSeconds",
            declared.get("ReceiveMessageWaitTimeSeconds").toString())
        .doesNotContainKeys("SqsManagedSseEnabled", "DeduplicationScope", "FifoThroughputLimit");

    JsonNode redrive = new ObjectMapper().readTree(attributes.get("RedrivePolicy"));
    assertThat(redrive.get("deadLetterTargetArn").asText()).isEqualTo(DLQ_ARN);
    assertThat(redrive.get("maxReceiveCount").isInt()).isTrue();
    assertThat(redrive.get("maxReceiveCount").asText())
        .isEqualTo(template.parameters().get("MaxReceiveCount").defaultValue().orElseThrow());
  }

  @Test
  void queueNamesComeFromTheTemplateOrTheStack() {
    CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();
    assertThat(
            QueueProvisioner.queueName("s", "WorkQueue", resolvedProperties(template, "WorkQueue")))
        .isEqualTo("s-work.fifo");

    PropertyReader unnamed = new PropertyReader(Map.of("FifoQueue", true), Site.resource("Jobs"));
    assertThat(QueueProvisioner.queueName("stack", "Jobs", unnamed)).isEqualTo("stack-Jobs.fifo");
  }

  @Test
  void aFifoQueueNameMustEndInFifo() {
    PropertyReader properties =
        new PropertyReader(Map.of("FifoQueue", "true", "QueueName", "jobs"), Site.resource("Jobs"));
    assertThatThrownBy(() -> QueueProvisioner.queueName("s", "Jobs", properties))
        .isInstanceOf(TemplateException.class)
        .hasMessage(
            "resource Jobs, property QueueName: the name of a FIFO queue must end in .fifo, was"
                + " 'jobs'");
  }

  @Test
  void aWrongValueNamesResourceAndProperty() {
    PropertyReader properties =
        new PropertyReader(Map.of("VisibilityTimeout", "soon"), Site.resource("Jobs"));
    assertThatThrownBy(() -> QueueProvisioner.attributes(properties))
        .isInstanceOf(TemplateException.class)
        .hasMessage(
            "resource Jobs, property VisibilityTimeout: expected a whole number, got 'soon'");
  }
}
