package io.fenceq.local.console;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class RequestGuardTest {
  private final RequestGuard loopback = new RequestGuard(InetAddress.getLoopbackAddress());

  @Test
  void aLoopbackConsoleAnswersOnlyToLoopbackHostNames() throws Exception {
    assertThatCode(() -> loopback.checkHost("127.0.0.1:8787")).doesNotThrowAnyException();
    assertThatCode(() -> loopback.checkHost("localhost:8787")).doesNotThrowAnyException();
    assertThatCode(() -> loopback.checkHost("[::1]:8787")).doesNotThrowAnyException();
    assertThatThrownBy(() -> loopback.checkHost("rebound.example:8787"))
        .hasMessage("host rebound.example:8787 is not this console's loopback address");
    assertThatCode(
            () -> new RequestGuard(InetAddress.getByName("0.0.0.0")).checkHost("console.lan:80"))
        .doesNotThrowAnyException();
  }

  @Test
  void aWriteNeedsTheConsolesOwnOrigin() {
    assertThatCode(() -> loopback.checkWriteOrigin("127.0.0.1:8787", "http://127.0.0.1:8787", null))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> loopback.checkWriteOrigin("127.0.0.1:8787", null, null))
        .hasMessageContaining("needs an Origin header");
    assertThatThrownBy(
            () -> loopback.checkWriteOrigin("127.0.0.1:8787", "http://evil.example", null))
        .hasMessageContaining("cross-origin write refused");
    assertThatThrownBy(
            () ->
                loopback.checkWriteOrigin("127.0.0.1:8787", "http://127.0.0.1:8787", "cross-site"))
        .hasMessageContaining("Sec-Fetch-Site cross-site");
  }
}
