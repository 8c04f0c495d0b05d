package io.fenceq.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fenceq.lease.LeaseSnapshot;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeasesCommandTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  @Test
  void printsHoldersWithTheirExpiryHintAndFreeLeasesWithDashes() {
    StringWriter text = new StringWriter();
    LeasesCommand.print(
        new PrintWriter(text, true),
        List.of(
            new LeaseSnapshot(
                "lane#0001", "worker-a", 7, NOW.plusSeconds(25), 3, Duration.ofSeconds(30)),
            new LeaseSnapshot("leader#nightly", null, 2, Instant.EPOCH, 0, Duration.ZERO)),
        NOW,
        "leases");

    assertThat(text.toString().lines())
        .containsExactly(
            "LEASE                    HOLDER                                      FENCE EXPIRES"
                + " (hint)                   IN  RENEWALS  STATE",
            "lane#0001                worker-a                                        7"
                + " 2026-11-26T12:00:25Z            25s         3  held",
            "leader#nightly           (free)                                          2 -"
                + "                                 -         0  free",
            "2 leases, 1 held, 0 of them passing to their lane's next batch (table leases)");
  }

  @Test
  void aLaneWaitingForItsNextBatchIsIdleAndOneNobodyWillHandOverIsExpired() {
    StringWriter text = new StringWriter();
    LeasesCommand.print(
        new PrintWriter(text, true),
        List.of(
            new LeaseSnapshot(
                "lane#0002", "worker-a", 9, NOW.minusSeconds(5), 0, Duration.ofSeconds(30), true),
            new LeaseSnapshot(
                "lane#0003", "worker-b", 4, NOW.minusSeconds(5), 0, Duration.ofSeconds(30))),
        NOW,
        "leases");

    assertThat(text.toString().lines().skip(1))
        .containsExactly(
            "lane#0002                worker-a                                        9"
                + " 2026-11-26T11:59:55Z            -5s         0  idle",
            "lane#0003                worker-b                                        4"
                + " 2026-11-26T11:59:55Z            -5s         0  expired",
            "2 leases, 2 held, 1 of them passing to their lane's next batch (table leases)");
  }
}
