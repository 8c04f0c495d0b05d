package io.fenceq.local.template.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.ConstructorException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * SnakeYAML's safe constructor, taught CloudFormation's short-form tags.
 *
 * <p>Each tag ({@code !Ref x}, {@code !GetAtt A.B}, {@code !Sub ...}) becomes the single-key map of
 * its long form ({@code {"Ref": x}}, {@code {"Fn::GetAtt": [A, B]}}, {@code {"Fn::Sub": ...}}), so
 * the rest of the code sees one representation only. Being a {@link SafeConstructor}, it never
 * instantiates arbitrary classes named in the document. Timestamps stay strings, as CloudFormation
 * treats them ({@code AWSTemplateFormatVersion: 2010-09-09} unquoted is still a string).
 */
public final class CloudFormationConstructor extends SafeConstructor {

  /** Short-form tag to long-form key. */
  static final Map<String, String> SHORT_FORMS =
      Map.ofEntries(
          Map.entry("!Ref", "Ref"),
          Map.entry("!Condition", "Condition"),
          Map.entry("!GetAtt", "Fn::GetAtt"),
          Map.entry("!Sub", "Fn::Sub"),
          Map.entry("!Join", "Fn::Join"),
          Map.entry("!Select", "Fn::Select"),
          Map.entry("!Split", "Fn::Split"),
          Map.entry("!If", "Fn::If"),
          Map.entry("!Equals", "Fn::Equals"),
          Map.entry("!Not", "Fn::Not"),
          Map.entry("!And", "Fn::And"),
          Map.entry("!Or", "Fn::Or"),
          Map.entry("!FindInMap", "Fn::FindInMap"),
          Map.entry("!Base64", "Fn::Base64"),
          Map.entry("!GetAZs", "Fn::GetAZs"),
          Map.entry("!ImportValue", "Fn::ImportValue"),
          Map.entry("!Cidr", "Fn::Cidr"),
          Map.entry("!Transform", "Fn::Transform"));

  /** A constructor with the given loader limits. */
  public CloudFormationConstructor(LoaderOptions options) {
    super(options);
    yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    SHORT_FORMS.forEach((tag, key) -> yamlConstructors.put(new Tag(tag), new ShortForm(tag, key)));
  }

  private final class ShortForm extends AbstractConstruct {
    private final String tag;
    private final String key;

    ShortForm(String tag, String key) {
      this.tag = tag;
      this.key = key;
    }

    @Override
    public Object construct(Node node) {
      Object argument;
      if (node instanceof ScalarNode scalar) {
        argument = constructScalar(scalar);
      } else if (node instanceof SequenceNode sequence) {
        argument = constructSequence(sequence);
      } else if (node instanceof MappingNode mapping) {
        argument = constructMapping(mapping);
      } else {
        throw new ShortFormException(
            tag + " cannot take a " + node.getNodeId() + " node", node.getStartMark());
      }
      if (key.equals("Fn::GetAtt") && argument instanceof String dotted) {
        argument = splitGetAtt(dotted, node);
      }
      Map<String, Object> longForm = new LinkedHashMap<>();
      longForm.put(key, argument);
      return longForm;
    }

    /** {@code !GetAtt Resource.Attribute}: the attribute may itself contain dots. */
    private List<String> splitGetAtt(String dotted, Node node) {
      int dot = dotted.indexOf('.');
      if (dot <= 0 || dot == dotted.length() - 1) {
        throw new ShortFormException(
            "!GetAtt needs Resource.Attribute, got '" + dotted + "'", node.getStartMark());
      }
      return List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
    }
  }

  /** A misused short-form tag, with the position SnakeYAML reports as file line and column. */
  private static final class ShortFormException extends ConstructorException {
    private static final long serialVersionUID = 1L;

    ShortFormException(String problem, Mark mark) {
      super(null, null, problem, mark);
    }
  }
}
