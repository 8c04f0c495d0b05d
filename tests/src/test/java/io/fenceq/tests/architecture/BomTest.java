package io.fenceq.tests.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM lists every artifact a user can depend on, at the build's version: a module added to the
 * build and forgotten in the BOM, or a version bumped in one place only, fails here.
 */
class BomTest {
  private static final Path ROOT = Path.of("..");

  /** Modules that publish nothing a user depends on. */
  private static final Set<String> NOT_PUBLISHED = Set.of("bom", "tests", "bench");

  /** Jars a module publishes beside its main one, by classifier: users depend on them too. */
  private static final Map<String, String> ATTACHED = Map.of("shared", "test-fixtures");

  @Test
  void theBomListsEveryPublishedArtifactAtTheBuildsVersion() throws Exception {
    Document root = parse(ROOT.resolve("pom.xml"));
    String version = child(root.getDocumentElement(), "version");
    Document bom = parse(ROOT.resolve("bom").resolve("pom.xml"));
    assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(version);
    assertThat(bom.getElementsByTagName("parent").getLength())
        .as("the BOM has no parent: importing it must bring fenceq's versions only")
        .isZero();

    List<String> expected = new ArrayList<>();
    NodeList modules = root.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String module = modules.item(i).getTextContent().strip();
      if (NOT_PUBLISHED.contains(module)) {
        continue;
      }
      Path pom = ROOT.resolve(module).resolve("pom.xml");
      assertThat(pom).exists();
      String artifactId = child(parse(pom).getDocumentElement(), "artifactId");
      expected.add(artifactId);
      if (ATTACHED.containsKey(module)) {
        expected.add(artifactId + ":" + ATTACHED.get(module));
      }
    }
    List<String> listed = new ArrayList<>();
    NodeList dependencies = bom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      NodeList classifier = dependency.getElementsByTagName("classifier");
      listed.add(
          child(dependency, "artifactId")
              + (classifier.getLength() == 0
                  ? ""
                  : ":" + classifier.item(0).getTextContent().strip()));
      assertThat(child(dependency, "version"))
          .as(child(dependency, "artifactId"))
          .isEqualTo(version);
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static Document parse(Path pom) throws Exception {
    assertThat(Files.exists(pom)).as("%s exists", pom).isTrue();
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  /** The text of {@code element}'s direct child {@code name}. */
  private static String child(Element element, String name) {
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().strip();
      }
    }
    throw new AssertionError("no <" + name + "> in <" + element.getTagName() + ">");
  }
}
