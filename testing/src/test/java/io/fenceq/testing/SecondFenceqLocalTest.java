package io.fenceq.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A second class on the same run: it reuses the emulators the first one started. */
@FenceqLocal
class SecondFenceqLocalTest {
  private final FenceqStack classStack;

  SecondFenceqLocalTest(FenceqStack classStack) {
    this.classStack = classStack;
  }

  @Test
  void startsTheEmulatorsOncePerRun(FenceqStack stack) {
    assertThat(TestBackend.STARTED.get()).isEqualTo(1);
    assertThat(stack.stackName()).isNotBlank();
    assertThat(classStack.queueUrl()).isNotBlank();
  }
}
