package io.fenceq.testing;

import java.util.Optional;

/**
 * {@code @FenceqLocal(localstack = true)}: LocalStack in a container, through Testcontainers. This
 * class names no Testcontainers type, so the kit loads without that optional dependency; {@link
 * LocalStackContainers} does the work once it is known to be there.
 */
final class LocalStackMode {
  /** System property naming the LocalStack image to run instead of {@value #DEFAULT_IMAGE}. */
  static final String IMAGE_PROPERTY = "fenceq.test.localstack.image";

  /** The image run by default: a fixed version, so that a test run does not change under it. */
  static final String DEFAULT_IMAGE = "localstack/localstack:4.4";

  static final String NO_DOCKER =
      "LocalStack mode needs a Docker engine, and none was found: skipped";

  static final String NO_TESTCONTAINERS =
      "LocalStack mode needs org.testcontainers:testcontainers-localstack on the test class path";

  private static final String CONTAINER_CLASS = "org.testcontainers.localstack.LocalStackContainer";

  private LocalStackMode() {}

  static String image() {
    String image = System.getProperty(IMAGE_PROPERTY, "").strip();
    return image.isEmpty() ? DEFAULT_IMAGE : image;
  }

  /**
   * Why LocalStack mode cannot run here: empty when it can, {@link #NO_DOCKER} when no Docker
   * engine answers (the tests are then skipped), {@link #NO_TESTCONTAINERS} when the dependency is
   * missing.
   */
  static Optional<String> unavailable() {
    if (!testcontainersPresent()) {
      return Optional.of(NO_TESTCONTAINERS);
    }
    return LocalStackContainers.dockerAvailable() ? Optional.empty() : Optional.of(NO_DOCKER);
  }

  /**
   * Starts LocalStack with SQS and DynamoDB and a backend on it that stops the container when it
   * closes.
   *
   * @throws IllegalStateException in one line if it cannot run here or does not start
   */
  static TestBackend start(String template) {
    if (!testcontainersPresent()) {
      throw new IllegalStateException(NO_TESTCONTAINERS);
    }
    return LocalStackContainers.start(image(), template);
  }

  private static boolean testcontainersPresent() {
    try {
      Class.forName(CONTAINER_CLASS, false, LocalStackMode.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
