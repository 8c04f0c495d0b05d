package io.fenceq.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** An endpoint that does not answer, or is no URL, fails in one line naming it. */
class EndpointTest {
  @Test
  void anEndpointNobodyListensOnFailsInOneLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // free again once closed: nothing listens there
    }
    String endpoint = "http://127.0.0.1:" + port;
    assertThatThrownBy(() -> TestBackend.external(endpoint, ""))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("fenceq test endpoint " + endpoint + " does not answer SQS: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void anEndpointThatIsNoUrlIsNamed() {
    assertThatThrownBy(() -> TestBackend.external("localhost", ""))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("fenceq test endpoint 'localhost' must look like http://127.0.0.1:4566");
  }
}
