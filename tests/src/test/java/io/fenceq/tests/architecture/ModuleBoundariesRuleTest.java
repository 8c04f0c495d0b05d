package io.fenceq.tests.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.fenceq.engine.LaneProcessor;
import io.fenceq.lease.internal.LeaseItem;
import io.fenceq.local.cli.FenceqCli;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link ModuleBoundaries} catch what they are meant to: the very rule objects that
 * check the build, given made-up modules (the sub-packages of {@code fixture}), report each
 * forbidden use with both classes and leave allowed ones alone.
 */
class ModuleBoundariesRuleTest {
  private static final String FIXTURE = "io.fenceq.tests.architecture.fixture";

  /** alpha, beta, functions and worker: the package under {@code fixture} is the module. */
  private static final ModuleResolver FIXTURE_MODULES =
      c -> {
        String name = c.getPackageName();
        if (!name.startsWith(FIXTURE + ".")) {
          return Optional.empty();
        }
        return Optional.of(name.substring(FIXTURE.length() + 1).split("\\.")[0]);
      };

  private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages(FIXTURE);

  @Test
  void usingAnotherModulesInternalsIsReportedNamingBothClasses() {
    EvaluationResult result =
        ModuleBoundaries.noUseOfAnotherModulesInternals(FIXTURE_MODULES).evaluate(FIXTURES);

    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .isNotEmpty()
        .allSatisfy(
            line ->
                assertThat(line)
                    .startsWith("module alpha uses beta's internal " + FIXTURE + ".beta.internal")
                    .contains(FIXTURE + ".alpha.AlphaService")
                    .contains(FIXTURE + ".beta.internal.BetaSecret"));
  }

  @Test
  void aModulesOwnInternalsAndAnotherModulesPublicApiAreAllowed() {
    EvaluationResult result =
        ModuleBoundaries.noUseOfAnotherModulesInternals(FIXTURE_MODULES).evaluate(FIXTURES);

    assertThat(result.getFailureReport().getDetails())
        .noneMatch(line -> line.contains("AlphaHelper"))
        .noneMatch(line -> line.contains("BetaApi"))
        .noneMatch(line -> line.contains("FunctionHandler"));
  }

  @Test
  void checkingARuleThatIsBrokenFailsTheBuild() {
    assertThatThrownBy(
            () -> ModuleBoundaries.noUseOfAnotherModulesInternals(FIXTURE_MODULES).check(FIXTURES))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no class uses a class of another module's internal packages")
        .hasMessageContaining("AlphaService");
  }

  @Test
  void functionsUsingTheWorkerIsReportedNamingBothClasses() {
    EvaluationResult result =
        ModuleBoundaries.noDependency(FIXTURE_MODULES, "functions", "worker").evaluate(FIXTURES);

    assertThat(result.getFailureReport().getDetails())
        .isNotEmpty()
        .allSatisfy(
            line ->
                assertThat(line)
                    .startsWith("module functions uses worker's " + FIXTURE + ".worker.WorkerLoop")
                    .contains(FIXTURE + ".functions.FunctionHandler"));
    assertThat(
            ModuleBoundaries.noDependency(FIXTURE_MODULES, "worker", "functions")
                .evaluate(FIXTURES)
                .hasViolation())
        .isFalse();
  }

  @Test
  void aClassBelongsToTheModuleItsClassFileCameFrom() {
    JavaClasses classes =
        new ClassFileImporter()
            .importClasses(
                LaneProcessor.class,
                LeaseItem.class,
                FenceqCli.class,
                ModuleBoundariesRuleTest.class,
                String.class);

    assertThat(ModuleResolver.BY_CODE_SOURCE.moduleOf(classes.get(LaneProcessor.class)))
        .hasValue("shared");
    assertThat(ModuleResolver.BY_CODE_SOURCE.moduleOf(classes.get(LeaseItem.class)))
        .hasValue("shared");
    assertThat(ModuleResolver.BY_CODE_SOURCE.moduleOf(classes.get(FenceqCli.class)))
        .hasValue("cli");
    assertThat(ModuleResolver.BY_CODE_SOURCE.moduleOf(classes.get(ModuleBoundariesRuleTest.class)))
        .as("test classes belong to no module")
        .isEmpty();
    assertThat(ModuleResolver.BY_CODE_SOURCE.moduleOf(classes.get(String.class))).isEmpty();
  }

  @Test
  void aModuleIsReadFromItsClassesDirectoryOrItsJarButNotFromATestJar() {
    assertThat(
            ModuleResolver.moduleAt(
                java.net.URI.create("file:/src/fenceq/shared/target/classes/io/fenceq/A.class")))
        .hasValue("shared");
    assertThat(
            ModuleResolver.moduleAt(
                java.net.URI.create(
                    "jar:file:/m2/io/fenceq/fenceq-worker/0.1.0-SNAPSHOT/"
                        + "fenceq-worker-0.1.0-SNAPSHOT.jar!/io/fenceq/worker/Worker.class")))
        .hasValue("worker");
    assertThat(
            ModuleResolver.moduleAt(
                java.net.URI.create(
                    "jar:file:/m2/io/fenceq/fenceq-core/0.1.0-SNAPSHOT/"
                        + "fenceq-core-0.1.0-SNAPSHOT.jar!/io/fenceq/engine/LaneProcessor.class")))
        .as("the core library's jar is the shared module")
        .hasValue("shared");
    assertThat(
            ModuleResolver.moduleAt(
                java.net.URI.create(
                    "jar:file:/src/local/target/fenceq-local-0.1.0-SNAPSHOT-tests.jar!/io/A.class")))
        .isEmpty();
    assertThat(
            ModuleResolver.moduleAt(
                java.net.URI.create("file:/src/fenceq/tests/target/test-classes/io/A.class")))
        .isEmpty();
  }
}
