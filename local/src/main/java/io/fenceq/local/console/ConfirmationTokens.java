package io.fenceq.local.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One-time tokens that confirm a write the console has shown as a dry run: a token names the action
 * and the selection it was issued for, is good once, and expires. A second request carrying it is
 * the confirmation; a token for another action or selection, used, or expired, confirms nothing.
 * Thread-safe.
 */
final class ConfirmationTokens {
  /** At most this many pending confirmations; the oldest go first (an abandoned dry run). */
  private static final int MAX_PENDING = 64;

  private final Clock clock;
  private final Duration lifetime;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  /**
   * @param action what the token confirms ({@code redrive}, {@code delete})
   * @param selection the selection in canonical form ({@link ConsoleSelection#canonical()})
   * @param expiresAt when it stops being good
   */
  record Pending(String action, String selection, Instant expiresAt) {}

  ConfirmationTokens(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** A fresh token for {@code action} on {@code selection}. */
  synchronized String issue(String action, String selection) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String token = HexFormat.of().formatHex(bytes);
    while (pending.size() >= MAX_PENDING) {
      Iterator<String> oldest = pending.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    pending.put(token, new Pending(action, selection, clock.instant().plus(lifetime)));
    return token;
  }

  /** When a token issued now expires. */
  Instant expiryOfNew() {
    return clock.instant().plus(lifetime);
  }

  /**
   * Takes {@code token} if it was issued for {@code action} on {@code selection} and has not
   * expired; a token is used up by any attempt, matching or not, so it cannot be guessed at.
   *
   * @return why it does not confirm, or empty when it does
   */
  synchronized Optional<String> redeem(String token, String action, String selection) {
    Pending p = pending.remove(token);
    if (p == null) {
      return Optional.of("unknown or already used confirmation token: ask for a new dry run");
    }
    if (!clock.instant().isBefore(p.expiresAt())) {
      return Optional.of("confirmation token expired at " + p.expiresAt() + ": ask for a new one");
    }
    if (!p.action().equals(action) || !p.selection().equals(selection)) {
      return Optional.of(
          "confirmation token was issued for "
              + p.action()
              + " of "
              + p.selection()
              + ", not "
              + action
              + " of "
              + selection);
    }
    return Optional.empty();
  }
}
