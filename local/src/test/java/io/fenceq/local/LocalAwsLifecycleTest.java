package io.fenceq.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LocalAwsLifecycleTest {

  @Test
  void fixedPortsAreUsedAndClosingTwiceReleasesThemOnce() {
    int sqsPort = TestPorts.freeLoopbackPort();
    int dynamoDbPort = TestPorts.freePortOnAllInterfaces();

    LocalAws aws = LocalAws.builder().sqsPort(sqsPort).dynamoDbPort(dynamoDbPort).start();
    assertThat(aws.sqsEndpoint().getPort()).isEqualTo(sqsPort);
    assertThat(aws.dynamoDbEndpoint().getPort()).isEqualTo(dynamoDbPort);
    assertThat(TestPorts.isFreeOnLoopback(sqsPort)).isFalse();
    assertThat(TestPorts.isFreeOnAllInterfaces(dynamoDbPort)).isFalse();

    aws.close();
    aws.close();

    assertThat(TestPorts.isFreeOnLoopback(sqsPort)).isTrue();
    assertThat(TestPorts.isFreeOnAllInterfaces(dynamoDbPort)).isTrue();
    assertThatThrownBy(aws::sqsClient)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(aws::dynamoDbClient).isInstanceOf(IllegalStateException.class);
  }
}
