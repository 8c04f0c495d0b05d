package io.fenceq.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloudFormationTemplateTest {

  private static CloudFormationTemplate parse(String yaml) {
    return CloudFormationTemplate.parse(yaml, "test.yaml");
  }

  private static Map<String, Object> propertiesOf(String properties) {
    String yaml =
        "Resources:\n  Thing:\n    Type: Custom::Thing\n    Properties:\n" + properties.indent(6);
    return parse(yaml).resources().get("Thing").properties();
  }

  @Test
  void everyShortFormTagBecomesItsLongForm() {
    Map<String, Object> properties =
        propertiesOf(
            """
            Ref: !Ref Param
            GetAttDotted: !GetAtt Queue.Arn
            GetAttList: !GetAtt [Queue, Arn]
            SubString: !Sub "${AWS::StackName}-x"
            SubList: !Sub ["${A}-x", {A: !Ref Param}]
            Join: !Join [",", [a, b]]
            Select: !Select [0, [a, b]]
            Split: !Split [",", "a,b"]
            If: !If [Cond, a, b]
            Equals: !Equals [a, b]
            Not: !Not [!Condition Cond]
            And: !And [!Condition A, !Condition B]
            Or: !Or [!Condition A, !Condition B]
            Condition: !Condition Cond
            FindInMap: !FindInMap [Map, Top, Second]
            Base64: !Base64 text
            GetAZs: !GetAZs ""
            ImportValue: !ImportValue Exported
            Cidr: !Cidr ["10.0.0.0/16", 4, 8]
            Transform: !Transform {Name: Macro, Parameters: {a: b}}
            """);

    assertThat(properties)
        .containsExactly(
            entry("Ref", Map.of("Ref", "Param")),
            entry("GetAttDotted", Map.of("Fn::GetAtt", List.of("Queue", "Arn"))),
            entry("GetAttList", Map.of("Fn::GetAtt", List.of("Queue", "Arn"))),
            entry("SubString", Map.of("Fn::Sub", "${AWS::StackName}-x")),
            entry(
                "SubList",
                Map.of("Fn::Sub", List.of("${A}-x", Map.of("A", Map.of("Ref", "Param"))))),
            entry("Join", Map.of("Fn::Join", List.of(",", List.of("a", "b")))),
            entry("Select", Map.of("Fn::Select", List.of(0, List.of("a", "b")))),
            entry("Split", Map.of("Fn::Split", List.of(",", "a,b"))),
            entry("If", Map.of("Fn::If", List.of("Cond", "a", "b"))),
            entry("Equals", Map.of("Fn::Equals", List.of("a", "b"))),
            entry("Not", Map.of("Fn::Not", List.of(Map.of("Condition", "Cond")))),
            entry(
                "And",
                Map.of("Fn::And", List.of(Map.of("Condition", "A"), Map.of("Condition", "B")))),
            entry(
                "Or",
                Map.of("Fn::Or", List.of(Map.of("Condition", "A"), Map.of("Condition", "B")))),
            entry("Condition", Map.of("Condition", "Cond")),
            entry("FindInMap", Map.of("Fn::FindInMap", List.of("Map", "Top", "Second"))),
            entry("Base64", Map.of("Fn::Base64", "text")),
            entry("GetAZs", Map.of("Fn::GetAZs", "")),
            entry("ImportValue", Map.of("Fn::ImportValue", "Exported")),
            entry("Cidr", Map.of("Fn::Cidr", List.of("10.0.0.0/16", 4, 8))),
            entry(
                "Transform",
                Map.of("Fn::Transform", Map.of("Name", "Macro", "Parameters", Map.of("a", "b")))));
  }

  @Test
  void getAttSplitsAtTheFirstDotOnly() {
    assertThat(propertiesOf("Address: !GetAtt Db.Endpoint.Address"))
        .containsEntry("Address", Map.of("Fn::GetAtt", List.of("Db", "Endpoint.Address")));
  }

  @Test
  void longFormPassesThroughUnchanged() {
    assertThat(propertiesOf("Url: {\"Fn::GetAtt\": [Queue, QueueUrl]}"))
        .containsEntry("Url", Map.of("Fn::GetAtt", List.of("Queue", "QueueUrl")));
  }

  @Test
  void unquotedDatesStayStrings() {
    CloudFormationTemplate template =
        parse(
            "AWSTemplateFormatVersion: 2010-09-09\n"
                + "Resources:\n  Thing:\n    Type: Custom::Thing\n    Properties:\n"
                + "      Day: 2024-01-31\n");
    assertThat(template.resources().get("Thing").properties()).containsEntry("Day", "2024-01-31");
  }

  @Test
  void theRepositoryTemplateParses() {
    CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();

    assertThat(template.parameters()).containsKeys("LaneCount", "MaxReceiveCount");
    TemplateParameter lanes = template.parameters().get("LaneCount");
    assertThat(lanes.type()).isEqualTo("Number");
    assertThat(lanes.defaultValue()).contains("256");
    assertThat(lanes.minValue()).contains(BigDecimal.ONE);
    assertThat(lanes.maxValue()).contains(new BigDecimal("10000"));

    assertThat(template.resources().get("WorkQueue").type()).isEqualTo("AWS::SQS::Queue");
    assertThat(template.resources().get("DeadLetterQueue").type()).isEqualTo("AWS::SQS::Queue");
    TemplateResource leases = template.resources().get("LeaseTable");
    assertThat(leases.type()).isEqualTo("AWS::DynamoDB::Table");
    assertThat(leases.deletionPolicy()).contains("Retain");
    assertThat(leases.properties()).doesNotContainKey("TimeToLiveSpecification");

    assertThat(template.resources().get("WorkQueue").properties())
        .containsEntry(
            "RedrivePolicy",
            Map.of(
                "deadLetterTargetArn",
                Map.of("Fn::GetAtt", List.of("DeadLetterQueue", "Arn")),
                "maxReceiveCount",
                Map.of("Ref", "MaxReceiveCount")));
    assertThat(template.outputs()).containsKeys("WorkQueueUrl", "DeadLetterQueueUrl");
    assertThat(template.outputs().get("WorkQueueUrl").value())
        .isEqualTo(Map.of("Ref", "WorkQueue"));
  }

  @Test
  void samGlobalsAreKeptUnevaluatedAndRulesAreIgnored() {
    CloudFormationTemplate template =
        parse(
            """
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function:
                Runtime: java21
                Environment: {Variables: {QUEUE: !Ref Q}}
            Rules:
              NeedsImage:
                RuleCondition: !Equals [!Ref Mode, ecs]
                Assertions: [{Assert: !Not [!Equals [!Ref Image, ""]]}]
            Resources:
              Q: {Type: AWS::SQS::Queue}
            """);

    assertThat(template.globals())
        .isEqualTo(
            Map.of(
                "Function",
                Map.of(
                    "Runtime",
                    "java21",
                    "Environment",
                    Map.of("Variables", Map.of("QUEUE", Map.of("Ref", "Q"))))));
    assertThat(template.resources()).containsOnlyKeys("Q");
    assertThat(parse("Resources: {Q: {Type: AWS::SQS::Queue}}").globals()).isEmpty();
  }

  @Test
  void theJarCarriesTheRepositoryTemplateUnchanged() throws IOException {
    Path repositoryCopy = Path.of("..", "template.yaml");
    CloudFormationTemplate fromFile = CloudFormationTemplate.load(repositoryCopy);
    CloudFormationTemplate fromJar = CloudFormationTemplate.fromClasspath();

    assertThat(fromJar.source())
        .isEqualTo("classpath:" + CloudFormationTemplate.CLASSPATH_RESOURCE);
    assertThat(fromJar.resources()).isEqualTo(fromFile.resources());
    assertThat(fromJar.parameters()).isEqualTo(fromFile.parameters());
    assertThat(fromJar.outputs()).isEqualTo(fromFile.outputs());
    try (var in =
        getClass()
            .getClassLoader()
            .getResourceAsStream(CloudFormationTemplate.CLASSPATH_RESOURCE)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(repositoryCopy));
    }
  }

  @Test
  void badYamlNamesTheFileAndLine() {
    assertThatThrownBy(
            () -> parse("Resources:\n  Thing:\n    Type: Custom::Thing\n   bad: [unclosed\n"))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("test.yaml:4:");
  }

  @Test
  void anUnknownTagNamesTheFileAndLine() {
    assertThatThrownBy(
            () -> parse("Resources:\n  Thing:\n    Type: Custom::Thing\n    X: !Bogus y\n"))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("test.yaml:4:")
        .hasMessageContaining("!Bogus");
  }

  @Test
  void aGetAttWithoutAttributeNamesTheLine() {
    assertThatThrownBy(
            () -> parse("Resources:\n  Thing:\n    Type: Custom::Thing\n    X: !GetAtt Queue\n"))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("test.yaml:4:")
        .hasMessageContaining("!GetAtt needs Resource.Attribute");
  }

  @Test
  void aDuplicateKeyNamesTheLine() {
    assertThatThrownBy(
            () ->
                parse("Resources:\n  Thing:\n    Type: Custom::Thing\n  Thing:\n    Type: Other\n"))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("test.yaml:4:")
        .hasMessageContaining("Thing");
  }

  @Test
  void javaTypeTagsAreNotConstructed() {
    assertThatThrownBy(
            () ->
                parse(
                    "Resources:\n  Thing:\n    Type: Custom::Thing\n"
                        + "    X: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader"
                        + " [[!!java.net.URL [\"http://localhost/\"]]]]\n"))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("test.yaml:4:");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> CloudFormationTemplate.load(missing))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining(missing.toAbsolutePath().toString());
  }

  @Test
  void aTemplateWithoutResourcesIsRefused() {
    assertThatThrownBy(() -> parse("Parameters: {}\n"))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("test.yaml")
        .hasMessageContaining("no Resources");
  }

  @Test
  void aResourceWithoutTypeIsNamed() {
    assertThatThrownBy(() -> parse("Resources:\n  Thing:\n    Properties: {}\n"))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("resource Thing has no Type");
  }

  @Test
  void parameterValuesTakeDefaultsAndOverrides() {
    CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();

    assertThat(template.parameterValues(Map.of()))
        .containsEntry("LaneCount", "256")
        .containsEntry("MaxReceiveCount", "50");
    assertThat(template.parameterValues(Map.of("LaneCount", "64")))
        .containsEntry("LaneCount", "64")
        .containsEntry("MaxReceiveCount", "50");
    assertThat(template.parameterValues(Map.of()).keySet())
        .containsExactlyElementsOf(template.parameters().keySet());
  }

  @Test
  void aValueBelowMinValueNamesTheParameterAndValue() {
    CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();
    assertThatThrownBy(() -> template.parameterValues(Map.of("LaneCount", "0")))
        .isInstanceOf(TemplateException.class)
        .hasMessage("parameter LaneCount: value 0 is below its MinValue 1");
  }

  @Test
  void aValueAboveMaxValueNamesTheParameterAndValue() {
    CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();
    assertThatThrownBy(() -> template.parameterValues(Map.of("MaxReceiveCount", "1001")))
        .isInstanceOf(TemplateException.class)
        .hasMessage("parameter MaxReceiveCount: value 1001 is above its MaxValue 1000");
  }

  @Test
  void aNonNumberForANumberParameterIsNamed() {
    CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();
    assertThatThrownBy(() -> template.parameterValues(Map.of("LaneCount", "many")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("parameter LaneCount")
        .hasMessageContaining("'many' is not a number");
  }

  @Test
  void aValueOutsideAllowedValuesIsNamed() {
    CloudFormationTemplate template =
        parse(
            """
            Parameters:
              Stage:
                Type: String
                Default: dev
                AllowedValues: [dev, prod]
              Prefix:
                Type: String
                Default: ab
                AllowedPattern: "[a-z]+"
                MaxLength: 3
            Resources:
              Thing: {Type: Custom::Thing}
            """);

    assertThat(template.parameterValues(Map.of("Stage", "prod"))).containsEntry("Stage", "prod");
    assertThatThrownBy(() -> template.parameterValues(Map.of("Stage", "test")))
        .isInstanceOf(TemplateException.class)
        .hasMessage("parameter Stage: value 'test' is not one of its AllowedValues [dev, prod]");
    assertThatThrownBy(() -> template.parameterValues(Map.of("Prefix", "AB")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("parameter Prefix")
        .hasMessageContaining("AllowedPattern");
    assertThatThrownBy(() -> template.parameterValues(Map.of("Prefix", "abcd")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("parameter Prefix")
        .hasMessageContaining("MaxLength 3");
  }

  @Test
  void anUnknownParameterListsTheDeclaredOnes() {
    CloudFormationTemplate template = CloudFormationTemplate.fromClasspath();
    assertThatThrownBy(() -> template.parameterValues(Map.of("Lanes", "8")))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("unknown parameter 'Lanes'")
        .hasMessageContaining(
            "LaneCount, MaxAttempts, KeyConcurrency, OrderScope, RingEpochs, MaxReceiveCount");
  }

  @Test
  void aParameterWithoutDefaultOrValueIsNamed() {
    CloudFormationTemplate template =
        parse("Parameters:\n  Env: {Type: String}\nResources:\n  Thing: {Type: Custom::Thing}\n");
    assertThat(template.parameters().get("Env").defaultValue()).isEqualTo(Optional.empty());
    assertThatThrownBy(() -> template.parameterValues(Map.of()))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("parameter Env has no Default");
  }
}
