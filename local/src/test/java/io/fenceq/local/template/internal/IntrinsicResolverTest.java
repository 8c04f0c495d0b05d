package io.fenceq.local.template.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.local.template.CloudFormationTemplate;
import io.fenceq.local.template.TemplateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntrinsicResolverTest {

  private static final String TEMPLATE =
      """
      Parameters:
        LaneCount: {Type: Number, Default: 256}
        Stage: {Type: String, Default: dev}
        Zones: {Type: CommaDelimitedList, Default: "a,b,c"}
      Mappings:
        Sizes:
          dev: {Lanes: 8}
          prod: {Lanes: 256}
      Conditions:
        IsProd: !Equals [!Ref Stage, prod]
        IsDev: !Not [!Condition IsProd]
        DevAndMany: !And [!Condition IsDev, !Equals [!Ref LaneCount, 256]]
        ProdOrMany: !Or [!Condition IsProd, !Equals [!Ref LaneCount, "256"]]
        LoopA: !Condition LoopB
        LoopB: !Condition LoopA
      Resources:
        Queue:
          Type: AWS::SQS::Queue
        Thing:
          Type: Custom::Thing
          Properties:
            Name: !Sub "${AWS::StackName}-${Stage}-${LaneCount}"
      """;

  private final List<String> looked = new ArrayList<>();

  private IntrinsicResolver resolver(Map<String, String> overrides) {
    CloudFormationTemplate template = CloudFormationTemplate.parse(TEMPLATE, "test.yaml");
    return new IntrinsicResolver(
        template,
        new PseudoParameters("fenceq-test", "eu-west-1", "123456789012"),
        template.parameterValues(overrides),
        (logicalId, from) -> {
          looked.add(logicalId);
          return new ResourceValues(
              logicalId,
              "AWS::SQS::Queue",
              "http://sqs/" + logicalId,
              Map.of("Arn", "arn:aws:sqs:eu-west-1:123456789012:" + logicalId));
        });
  }

  /** Resolves a property written in YAML, at resource R, property P. */
  private Object resolve(String yamlValue) {
    return resolve(yamlValue, Map.of());
  }

  private Object resolve(String yamlValue, Map<String, String> overrides) {
    CloudFormationTemplate snippet =
        CloudFormationTemplate.parse(
            "Resources:\n  R:\n    Type: Custom::Thing\n    Properties:\n      P: "
                + yamlValue
                + "\n",
            "snippet.yaml");
    Object node = snippet.resources().get("R").properties().get("P");
    return resolver(overrides).resolve(node, Site.resource("R").at("P"));
  }

  @Test
  void subReplacesParametersPseudoParametersAndKeepsLiterals() {
    assertThat(
            resolve(
                "!Sub \"${AWS::StackName}/${Stage}/${LaneCount}/${!Literal}/${AWS::Region}"
                    + "/${AWS::AccountId}/${AWS::Partition}/${AWS::URLSuffix}\""))
        .isEqualTo("fenceq-test/dev/256/${Literal}/eu-west-1/123456789012/aws/amazonaws.com");
  }

  @Test
  void subUsesOverriddenParameters() {
    assertThat(
            resolve("!Sub \"${Stage}-${LaneCount}\"", Map.of("Stage", "prod", "LaneCount", "16")))
        .isEqualTo("prod-16");
  }

  @Test
  void subTakesVariablesAndResourceAttributes() {
    assertThat(resolve("!Sub [\"${Name}|${Queue}|${Queue.Arn}\", {Name: !Ref Stage}]"))
        .isEqualTo("dev|http://sqs/Queue|arn:aws:sqs:eu-west-1:123456789012:Queue");
  }

  @Test
  void anUnterminatedSubIsNamed() {
    assertThatThrownBy(() -> resolve("!Sub \"${Stage\""))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("resource R, property P: Fn::Sub")
        .hasMessageContaining("without a closing");
  }

  @Test
  void refAndGetAttAskTheResourceLookup() {
    assertThat(resolve("!Ref Queue")).isEqualTo("http://sqs/Queue");
    assertThat(resolve("!GetAtt Queue.Arn")).isEqualTo("arn:aws:sqs:eu-west-1:123456789012:Queue");
    assertThat(looked).containsExactly("Queue", "Queue");
  }

  @Test
  void anUnknownGetAttAttributeNamesTheResource() {
    assertThatThrownBy(() -> resolve("!GetAtt Queue.Colour"))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("resource R, property P: Fn::GetAtt Queue.Colour")
        .hasMessageContaining("resource Queue (AWS::SQS::Queue) has no attribute 'Colour'")
        .hasMessageContaining("[Arn]");
  }

  @Test
  void getAttOnAnUnknownResourceListsTheResources() {
    assertThatThrownBy(() -> resolve("!GetAtt Nope.Arn"))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("Fn::GetAtt Nope.Arn: no resource 'Nope'")
        .hasMessageContaining("[Queue, Thing]");
    assertThatThrownBy(() -> resolve("!GetAtt Stage.Arn"))
        .hasMessageContaining("Stage is a parameter, not a resource");
  }

  @Test
  void refToAnUnknownNameListsParametersAndResources() {
    assertThatThrownBy(() -> resolve("!Ref Nope"))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("resource R, property P: Ref Nope")
        .hasMessageContaining("[LaneCount, Stage, Zones]")
        .hasMessageContaining("[Queue, Thing]");
    assertThatThrownBy(() -> resolve("!Ref AWS::Nope"))
        .hasMessageContaining("Ref AWS::Nope: unknown pseudo parameter");
  }

  @Test
  void unsupportedFunctionsNameResourcePropertyAndFunction() {
    assertThatThrownBy(() -> resolve("!ImportValue shared-vpc"))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("resource R, property P: Fn::ImportValue is not supported locally");
    assertThatThrownBy(() -> resolve("!Cidr [\"10.0.0.0/16\", 4, 8]"))
        .hasMessageStartingWith("resource R, property P: Fn::Cidr is not supported locally");
    assertThatThrownBy(() -> resolve("!Transform {Name: M}"))
        .hasMessageStartingWith("resource R, property P: Fn::Transform is not supported locally");
    assertThatThrownBy(() -> resolve("{\"Fn::Bogus\": 1}"))
        .hasMessage("resource R, property P: unknown intrinsic function Fn::Bogus");
  }

  @Test
  void nestedSitesNameThePropertyPath() {
    assertThatThrownBy(() -> resolve("{Policy: [{Arn: !ImportValue x}]}"))
        .hasMessageStartingWith(
            "resource R, property P.Policy[0].Arn: Fn::ImportValue is not supported locally");
  }

  @Test
  void joinSelectAndSplit() {
    assertThat(resolve("!Join [\"-\", [a, !Ref Stage, !Ref LaneCount]]")).isEqualTo("a-dev-256");
    assertThat(resolve("!Join [\",\", !Ref Zones]")).isEqualTo("a,b,c");
    assertThat(resolve("!Select [1, !Ref Zones]")).isEqualTo("b");
    assertThat(resolve("!Select [\"2\", !Split [\"/\", \"x/y/z\"]]")).isEqualTo("z");
    assertThat(resolve("!Split [\",\", \"a,,b\"]")).isEqualTo(List.of("a", "", "b"));
    assertThatThrownBy(() -> resolve("!Select [3, !Ref Zones]"))
        .hasMessageContaining("resource R, property P: Fn::Select index 3 is out of range");
  }

  @Test
  void ifFollowsConditions() {
    assertThat(resolve("!If [IsProd, big, small]")).isEqualTo("small");
    assertThat(resolve("!If [IsProd, big, small]", Map.of("Stage", "prod"))).isEqualTo("big");
    assertThat(resolve("!If [IsDev, hit, miss]")).isEqualTo("hit");
    assertThat(resolve("!If [DevAndMany, hit, miss]")).isEqualTo("hit");
    assertThat(resolve("!If [DevAndMany, hit, miss]", Map.of("LaneCount", "8"))).isEqualTo("miss");
    assertThat(resolve("!If [ProdOrMany, hit, miss]", Map.of("LaneCount", "8"))).isEqualTo("miss");
  }

  @Test
  void onlyTheTakenBranchIsResolved() {
    assertThat(resolve("!If [IsProd, !ImportValue x, fine]")).isEqualTo("fine");
  }

  @Test
  void unknownAndCyclicConditionsAreNamed() {
    assertThatThrownBy(() -> resolve("!If [Nope, a, b]"))
        .hasMessageContaining("resource R, property P: condition 'Nope' is not declared");
    assertThatThrownBy(() -> resolve("!If [LoopA, a, b]"))
        .hasMessageContaining("cycle: LoopA -> LoopB -> LoopA");
  }

  @Test
  void noValueDropsThePropertyOrElement() {
    assertThat(
            resolve(
                "{Keep: 1, Drop: !Ref AWS::NoValue, Maybe: !If [IsProd, 2, !Ref AWS::NoValue]}"))
        .isEqualTo(Map.of("Keep", 1));
    assertThat(resolve("[a, !Ref AWS::NoValue, b]")).isEqualTo(List.of("a", "b"));
    assertThat(resolve("!Ref AWS::NoValue")).isSameAs(IntrinsicResolver.NO_VALUE);
  }

  @Test
  void findInMapBase64AndAvailabilityZones() {
    assertThat(resolve("!FindInMap [Sizes, !Ref Stage, Lanes]")).isEqualTo(8);
    assertThatThrownBy(() -> resolve("!FindInMap [Sizes, test, Lanes]"))
        .hasMessageContaining("Fn::FindInMap: mapping Sizes has no key 'test'");
    assertThat(resolve("!Base64 fenceq")).isEqualTo("ZmVuY2Vx");
    assertThat(resolve("!GetAZs \"\""))
        .isEqualTo(List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"));
  }

  @Test
  void pseudoParametersHaveTheirAwsValues() {
    assertThat(resolve("!Ref AWS::StackId"))
        .asString()
        .startsWith("arn:aws:cloudformation:eu-west-1:123456789012:stack/fenceq-test/");
    assertThat(resolve("!Ref AWS::NotificationARNs")).isEqualTo(List.of());
  }
}
