package io.fenceq.tests.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

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

    assertThat(modules).contains("shared", "examples", "functions", "worker", "local", "bench");
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
}
