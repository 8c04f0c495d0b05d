package io.fenceq.tests.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.Optional;

/**
 * The module boundaries the build enforces. Each module's {@code internal} packages are its own:
 * what modules share has a public home. And the Lambda functions do not carry the ECS worker.
 *
 * <p>The rules take a {@link ModuleResolver}, so that the same rule objects that check the build
 * can be shown to fail on classes placed in made-up modules.
 */
final class ModuleBoundaries {
  private ModuleBoundaries() {}

  /** No class of one module depends on a class in an {@code internal} package of another. */
  static ArchRule noUseOfAnotherModulesInternals(ModuleResolver modules) {
    return ArchRuleDefinition.classes()
        .that(inSomeModule(modules))
        .should(useNoInternalsOfOtherModules(modules))
        .as("no class uses a class of another module's internal packages");
  }

  /** No class of module {@code from} depends on any class of module {@code to}. */
  static ArchRule noDependency(ModuleResolver modules, String from, String to) {
    return ArchRuleDefinition.classes()
        .that(inModule(modules, from))
        .should(useNoClassOf(modules, to))
        .as("no class of module " + from + " depends on module " + to);
  }

  static boolean isInternal(JavaClass javaClass) {
    String pkg = "." + javaClass.getPackageName() + ".";
    return pkg.contains(".internal.");
  }

  private static DescribedPredicate<JavaClass> inSomeModule(ModuleResolver modules) {
    return DescribedPredicate.describe(
        "are in a module of the build", c -> modules.moduleOf(c).isPresent());
  }

  private static DescribedPredicate<JavaClass> inModule(ModuleResolver modules, String module) {
    return DescribedPredicate.describe(
        "are in module " + module, c -> modules.moduleOf(c).filter(module::equals).isPresent());
  }

  private static ArchCondition<JavaClass> useNoInternalsOfOtherModules(ModuleResolver modules) {
    return new ArchCondition<>("use no internal class of another module") {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        String own = modules.moduleOf(origin).orElseThrow();
        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass().getBaseComponentType();
          Optional<String> theirs = modules.moduleOf(target);
          if (isInternal(target) && theirs.isPresent() && !theirs.get().equals(own)) {
            events.add(
                SimpleConditionEvent.violated(
                    d,
                    "module "
                        + own
                        + " uses "
                        + theirs.get()
                        + "'s internal "
                        + target.getName()
                        + ": "
                        + d.getDescription()));
          }
        }
      }
    };
  }

  private static ArchCondition<JavaClass> useNoClassOf(ModuleResolver modules, String module) {
    return new ArchCondition<>("use no class of module " + module) {
      @Override
      public void check(JavaClass origin, ConditionEvents events) {
        for (Dependency d : origin.getDirectDependenciesFromSelf()) {
          JavaClass target = d.getTargetClass().getBaseComponentType();
          if (modules.moduleOf(target).filter(module::equals).isPresent()) {
            events.add(
                SimpleConditionEvent.violated(
                    d,
                    "module "
                        + modules.moduleOf(origin).orElseThrow()
                        + " uses "
                        + module
                        + "'s "
                        + target.getName()
                        + ": "
                        + d.getDescription()));
          }
        }
      }
    };
  }
}
