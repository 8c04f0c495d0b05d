package io.fenceq.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConfirmationTokensTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private final ConfirmationTokens tokens = new ConfirmationTokens(clock, Duration.ofMinutes(5));

  @Test
  void aTokenConfirmsItsOwnActionAndSelectionOnce() {
    String token = tokens.issue("redrive", "key a");

    assertThat(tokens.redeem(token, "redrive", "key a")).isEmpty();
    assertThat(tokens.redeem(token, "redrive", "key a")).get().asString().contains("already used");
  }

  @Test
  void aTokenForAnotherActionOrSelectionConfirmsNothingAndIsUsedUp() {
    String token = tokens.issue("redrive", "key a");

    assertThat(tokens.redeem(token, "delete", "key a"))
        .get()
        .asString()
        .isEqualTo("confirmation token was issued for redrive of key a, not delete of key a");
    assertThat(tokens.redeem(token, "redrive", "key a")).isPresent();
    String other = tokens.issue("redrive", "key a");
    assertThat(tokens.redeem(other, "redrive", "key b")).isPresent();
  }

  @Test
  void anExpiredTokenConfirmsNothing() {
    String token = tokens.issue("delete", "jobs [x]");
    now.set(now.get().plus(Duration.ofMinutes(5)));

    assertThat(tokens.redeem(token, "delete", "jobs [x]")).get().asString().contains("expired");
  }
}
