package io.fenceq.tests.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.Source;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which module of this build a class belongs to, or empty for any other class (the JDK, a library,
 * test code). {@link #BY_CODE_SOURCE} is the build's own answer; tests of the rules inject theirs.
 */
@FunctionalInterface
interface ModuleResolver {

  /**
   * Decides by where the class file was loaded from, not by its package: a module's main classes
   * are {@code <module>/target/classes} while the reactor builds, or its jar {@code
   * fenceq-<module>-<version>.jar} once packaged or installed. Test classes ({@code test-classes},
   * {@code -tests.jar}) belong to no module, so the rules cover main code only.
   */
  ModuleResolver BY_CODE_SOURCE =
      javaClass -> javaClass.getSource().map(Source::getUri).flatMap(ModuleResolver::moduleAt);

  Optional<String> moduleOf(JavaClass javaClass);

  /** The module whose main classes {@code location} (a class file or a jar entry) is part of. */
  static Optional<String> moduleAt(URI location) {
    String path = location.toString();
    Matcher classes = CLASSES_DIRECTORY.matcher(path);
    if (classes.find()) {
      return Optional.of(classes.group(1));
    }
    Matcher jar = MODULE_JAR.matcher(path);
    if (jar.find()) {
      // The core library's artifact is fenceq-core; its folder, and module, is shared.
      return Optional.of("core".equals(jar.group(1)) ? "shared" : jar.group(1));
    }
    return Optional.empty();
  }

  Pattern CLASSES_DIRECTORY = Pattern.compile("/([^/]+)/target/classes/");

  /** {@code fenceq-core-0.1.0-SNAPSHOT.jar!}, but not {@code fenceq-local-0.1.0-tests.jar!}. */
  Pattern MODULE_JAR = Pattern.compile("/fenceq-([a-z]+)-\\d[^/!]*(?<!-tests)\\.jar!/");
}
