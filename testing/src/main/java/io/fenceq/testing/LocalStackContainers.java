package io.fenceq.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/** The Testcontainers side of {@link LocalStackMode}; loaded only when that dependency is there. */
final class LocalStackContainers {
  private LocalStackContainers() {}

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  static TestBackend start(String image, String template) {
    LocalStackContainer container =
        new LocalStackContainer(DockerImageName.parse(image)).withServices("sqs", "dynamodb");
    try {
      container.start();
    } catch (RuntimeException e) {
      container.close();
      String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
      throw new IllegalStateException("LocalStack " + image + " did not start: " + reason, e);
    }
    String endpoint = container.getEndpoint().toString();
    try {
      return TestBackend.external(endpoint, endpoint, template).closing(container);
    } catch (RuntimeException e) {
      container.close();
      throw e;
    }
  }
}
