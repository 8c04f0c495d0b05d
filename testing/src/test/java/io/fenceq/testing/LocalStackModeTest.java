package io.fenceq.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@code @FenceqLocal(localstack = true)} where no Docker engine answers: the class is skipped,
 * with one line saying why, and nothing in it runs.
 */
class LocalStackModeTest {
  static final AtomicInteger RAN = new AtomicInteger();

  @Test
  void withoutADockerEngineTheClassIsSkippedWithOneLineSayingSo() {
    assumeFalse(
        LocalStackContainers.dockerAvailable(), "a Docker engine answers here: nothing to skip");
    List<String> skipped = new CopyOnWriteArrayList<>();
    List<String> finished = new CopyOnWriteArrayList<>();
    TestExecutionListener listener =
        new TestExecutionListener() {
          @Override
          public void executionSkipped(TestIdentifier test, String reason) {
            skipped.add(test.getDisplayName() + ": " + reason);
          }

          @Override
          public void executionFinished(
              TestIdentifier test, org.junit.platform.engine.TestExecutionResult result) {
            if (test.isTest()) {
              finished.add(test.getDisplayName());
            }
          }
        };

    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(OnLocalStack.class))
                .build(),
            listener);

    assertThat(skipped)
        .containsExactly(
            "LocalStackModeTest$OnLocalStack: LocalStack mode needs a Docker engine, and none was found: skipped");
    assertThat(finished).isEmpty();
    assertThat(RAN).hasValue(0);
  }

  @Test
  void anotherModeIsNotAffectedAndTheImageCanBeChosen() {
    System.setProperty(LocalStackMode.IMAGE_PROPERTY, "localstack/localstack:4.5");
    try {
      assertThat(LocalStackMode.image()).isEqualTo("localstack/localstack:4.5");
    } finally {
      System.clearProperty(LocalStackMode.IMAGE_PROPERTY);
    }
    assertThat(LocalStackMode.image()).isEqualTo(LocalStackMode.DEFAULT_IMAGE);
  }

  /** Run only by the test above (Surefire skips nested classes). */
  @FenceqLocal(localstack = true)
  static class OnLocalStack {
    @Test
    void wouldUseLocalStack(FenceqStack stack) {
      RAN.incrementAndGet();
    }
  }
}
