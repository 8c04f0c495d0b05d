package io.fenceq.local.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemoOptionsConsumerTest {
  @Test
  void theLambdaConsumerRunsInProcessOnly() {
    DemoOptions lambda = DemoOptions.defaults().withConsumer(ConsumerHost.LAMBDA);

    assertThat(lambda.consumer()).isEqualTo(ConsumerHost.LAMBDA);
    assertThat(DemoOptions.defaults().consumer()).isEqualTo(ConsumerHost.WORKER);
    assertThatThrownBy(() -> lambda.withProcessWorkers(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(DemoOptions.LAMBDA_IN_PROCESS_ONLY);
  }

  @Test
  void anUnknownConsumerIsNamed() {
    assertThat(ConsumerHost.parse("lambda")).isEqualTo(ConsumerHost.LAMBDA);
    assertThatThrownBy(() -> ConsumerHost.parse("ecs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--consumer must be worker or lambda, got ecs");
  }
}
