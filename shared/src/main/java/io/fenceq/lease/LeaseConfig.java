package io.fenceq.lease;

import io.fenceq.internal.Require;
import io.fenceq.lease.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Timing of a lease: how long a grant lasts, how often its holder renews it, how a contender
 * decides the holder is gone, and how much random delay spreads out the retries of contenders.
 * Immutable; {@link Builder#build()} refuses inconsistent settings, naming the setting and value.
 */
public final class LeaseConfig {
  /** Default {@link #leaseDuration()}. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

  /** Shortest lease accepted: below it, one slow DynamoDB call would outlast the lease. */
  public static final Duration MIN_LEASE_DURATION = Duration.ofMillis(100);

  /** Longest lease accepted: a dead holder blocks its lane for this long. */
  public static final Duration MAX_LEASE_DURATION = Duration.ofHours(1);

  private static final Duration MAX_DEFAULT_JITTER = Duration.ofSeconds(1);

  private final Duration leaseDuration;
  private final Duration renewInterval;
  private final ExpiryMode expiryMode;
  private final Duration retryJitter;

  private LeaseConfig(Duration leaseDuration, Duration renewInterval, Builder b) {
    this.leaseDuration = leaseDuration;
    this.renewInterval = renewInterval;
    this.expiryMode = b.expiryMode;
    this.retryJitter = b.retryJitter != null ? b.retryJitter : defaultJitter(leaseDuration);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A 30 s lease renewed every 10 s, {@link ExpiryMode#WALL_CLOCK_HINT}. */
  public static LeaseConfig defaults() {
    return builder().build();
  }

  /** How long a grant or renewal lasts without another renewal. */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /** How often a holder renews; less than half the lease, so one failed renewal can be retried. */
  public Duration renewInterval() {
    return renewInterval;
  }

  public ExpiryMode expiryMode() {
    return expiryMode;
  }

  /**
   * Upper bound of the random delay added to a refused acquire's retry time, so that contenders
   * waiting for the same lease do not all come back at the same instant.
   */
  public Duration retryJitter() {
    return retryJitter;
  }

  /** The same configuration with other settings changed. */
  public Builder toBuilder() {
    return new Builder()
        .leaseDuration(leaseDuration)
        .renewInterval(renewInterval)
        .expiryMode(expiryMode)
        .retryJitter(retryJitter);
  }

  @Override
  public String toString() {
    return "LeaseConfig[leaseDuration="
        + Durations.format(leaseDuration)
        + ", renewInterval="
        + Durations.format(renewInterval)
        + ", expiryMode="
        + expiryMode
        + ", retryJitter="
        + Durations.format(retryJitter)
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LeaseConfig c
        && leaseDuration.equals(c.leaseDuration)
        && renewInterval.equals(c.renewInterval)
        && expiryMode == c.expiryMode
        && retryJitter.equals(c.retryJitter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(leaseDuration, renewInterval, expiryMode, retryJitter);
  }

  private static Duration defaultJitter(Duration lease) {
    Duration tenth = lease.dividedBy(10);
    return tenth.compareTo(MAX_DEFAULT_JITTER) < 0 ? tenth : MAX_DEFAULT_JITTER;
  }

  /** Builds a {@link LeaseConfig}; every setting has a default. */
  public static final class Builder {
    private Duration leaseDuration = DEFAULT_LEASE_DURATION;
    private Duration renewInterval;
    private ExpiryMode expiryMode = ExpiryMode.WALL_CLOCK_HINT;
    private Duration retryJitter;

    private Builder() {}

    /** Default 30 s; between 100 ms and one hour. */
    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
      return this;
    }

    /** Default a third of the lease; must be less than half of it. */
    public Builder renewInterval(Duration renewInterval) {
      this.renewInterval = renewInterval;
      return this;
    }

    /** Default {@link ExpiryMode#WALL_CLOCK_HINT}. */
    public Builder expiryMode(ExpiryMode expiryMode) {
      this.expiryMode = expiryMode;
      return this;
    }

    /** Default a tenth of the lease, at most 1 s; zero turns jitter off. */
    public Builder retryJitter(Duration retryJitter) {
      this.retryJitter = retryJitter;
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the setting and its value when a setting is missing
     *     or inconsistent with another
     */
    public LeaseConfig build() {
      Require.value(leaseDuration != null, "leaseDuration", "must be set", null);
      Require.value(
          leaseDuration.compareTo(MIN_LEASE_DURATION) >= 0
              && leaseDuration.compareTo(MAX_LEASE_DURATION) <= 0,
          "leaseDuration",
          "must be between "
              + Durations.format(MIN_LEASE_DURATION)
              + " and "
              + Durations.format(MAX_LEASE_DURATION),
          Durations.format(leaseDuration));
      Duration renew = renewInterval != null ? renewInterval : leaseDuration.dividedBy(3);
      Require.value(
          renew.isPositive(), "renewInterval", "must be positive", Durations.format(renew));
      Require.value(
          renew.multipliedBy(2).compareTo(leaseDuration) < 0,
          "renewInterval",
          "must be less than leaseDuration / 2",
          Durations.format(renew) + " for a " + Durations.format(leaseDuration) + " lease");
      Require.value(expiryMode != null, "expiryMode", "must be set", null);
      Require.value(
          retryJitter == null
              || (!retryJitter.isNegative() && retryJitter.compareTo(leaseDuration) <= 0),
          "retryJitter",
          "must be between 0 and leaseDuration (" + Durations.format(leaseDuration) + ")",
          Durations.format(retryJitter));
      return new LeaseConfig(leaseDuration, renew, this);
    }
  }
}
