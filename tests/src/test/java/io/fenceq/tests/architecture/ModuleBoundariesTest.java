package io.fenceq.tests.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build's main classes keep to {@link ModuleBoundaries}. The test module depends on every other
 * module, so its classpath holds all of their main classes.
 */
class ModuleBoundariesTest {
  private static final ModuleResolver MODULES = ModuleResolver.BY_CODE_SOURCE;

  /** Every module's main classes, and nothing else: no tests, no libraries. */
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(location -> ModuleResolver.moduleAt(location.asURI()).isPresent())
          .importPackages("io.fenceq");

  @Test
  void everyModulesMainClassesAreChecked() {
    Set<String> modules =
        MAIN.stream()
            .map(MODULES::moduleOf)
            .flatMap(java.util.Optional::stream)
            .collect(Collectors.toSet());

    assertThat(modules)
        .contains("ring", "shared", "examples", "functions", "worker", "local", "bench", "redis");
    assertThat(MAIN.stream().map(JavaClass::getName)).doesNotContain(getClass().getName());
  }

  @Test
  void noModuleUsesAnotherModulesInternals() {
    ModuleBoundaries.noUseOfAnotherModulesInternals(MODULES).check(MAIN);
  }

  @Test
  void theLambdaFunctionsDoNotDependOnTheWorker() {
    ModuleBoundaries.noDependency(MODULES, "functions", "worker").check(MAIN);
  }

  /** The ring's artifact is for any JVM service: its classes use the JDK and themselves only. */
  @Test
  void theRingUsesNothingButTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.fenceq.ring..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.fenceq.ring..")
        .check(MAIN);
  }

  /**
   * The Redis lock stands beside the lanes, not on them: it uses the core's fence tokens, metrics,
   * ticker and exception root only, never its leases, engine or AWS clients.
   */
  @Test
  void theRedisLockUsesOnlyTheCoresFenceMetricsAndTime() {
    classes()
        .that()
        .resideInAPackage("io.fenceq.redis..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "io.fenceq",
            "io.fenceq.fence",
            "io.fenceq.metrics",
            "io.fenceq.time",
            "io.fenceq.redis..",
            "io.lettuce..",
            "org.slf4j..")
        .check(MAIN);
  }

  /** ... and its build declares no dependency a user would inherit. */
  @Test
  void theRingArtifactHasNoDependencyOutsideTests() throws Exception {
    Document pom =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(Path.of("..", "ring", "pom.xml").toFile());
    NodeList dependencies = pom.getElementsByTagName("dependency");
    assertThat(dependencies.getLength()).isPositive();
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      NodeList scope = dependency.getElementsByTagName("scope");
      assertThat(scope.getLength() == 1 ? scope.item(0).getTextContent() : "compile")
          .as(
              "scope of %s in ring/pom.xml",
              dependency.getElementsByTagName("artifactId").item(0).getTextContent())
          .isEqualTo("test");
    }
  }
}
