package io.fenceq.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EventBridge rate and cron expressions, and the ticks they produce, in UTC. */
class ScheduleTest {
  private static List<Instant> ticks(String expression, String after, int count) {
    Schedule s = Schedule.parse(expression);
    List<Instant> ticks = new ArrayList<>();
    Instant t = Instant.parse(after);
    for (int i = 0; i < count; i++) {
      t = s.nextAfter(t).orElseThrow();
      ticks.add(t);
    }
    return ticks;
  }

  private static List<Instant> instants(String... texts) {
    return java.util.Arrays.stream(texts).map(Instant::parse).toList();
  }

  @Test
  void rateTicksAreAlignedToTheEpochAndStrictlyAfter() {
    assertThat(ticks("rate(5 minutes)", "2026-11-26T12:03:10Z", 3))
        .isEqualTo(
            instants("2026-11-26T12:05:00Z", "2026-11-26T12:10:00Z", "2026-11-26T12:15:00Z"));
    assertThat(ticks("rate(5 minutes)", "2026-11-26T12:05:00Z", 1))
        .isEqualTo(instants("2026-11-26T12:10:00Z"));
    assertThat(ticks("rate(1 hour)", "2026-11-26T12:00:00.001Z", 1))
        .isEqualTo(instants("2026-11-26T13:00:00Z"));
    assertThat(ticks("rate(1 day)", "2026-11-26T12:00:00Z", 2))
        .isEqualTo(instants("2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z"));
    assertThat(ticks("rate(1 minute)", "2026-11-26T12:00:59.999Z", 1))
        .isEqualTo(instants("2026-11-26T12:01:00Z"));
  }

  @Test
  void rateExpressionsFollowEventBridgeSpelling() {
    assertThatThrownBy(() -> Schedule.parse("rate(5 minute)"))
        .hasMessageContaining("invalid rate expression \"rate(5 minute)\"")
        .hasMessageContaining("singular unit for 1 and the plural otherwise");
    assertThatThrownBy(() -> Schedule.parse("rate(1 minutes)")).hasMessageContaining("singular");
    assertThatThrownBy(() -> Schedule.parse("rate(0 minutes)")).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> Schedule.parse("rate(30 seconds)"))
        .hasMessageContaining("minute(s), hour(s) or day(s)");
    assertThatThrownBy(() -> Schedule.parse("every 5 minutes"))
        .hasMessageContaining("expected rate(5 minutes) or cron(0 12 * * ? *) form");
  }

  @Test
  void cronAtNoonEveryDay() {
    assertThat(ticks("cron(0 12 * * ? *)", "2026-11-26T11:59:30Z", 2))
        .isEqualTo(instants("2026-11-26T12:00:00Z", "2026-11-27T12:00:00Z"));
    assertThat(ticks("cron(0 12 * * ? *)", "2026-11-26T12:00:00Z", 1))
        .isEqualTo(instants("2026-11-27T12:00:00Z"));
  }

  @Test
  void cronStepsListsAndRanges() {
    assertThat(ticks("cron(0/15 * * * ? *)", "2026-11-26T12:07:00Z", 4))
        .isEqualTo(
            instants(
                "2026-11-26T12:15:00Z",
                "2026-11-26T12:30:00Z",
                "2026-11-26T12:45:00Z",
                "2026-11-26T13:00:00Z"));
    assertThat(ticks("cron(5,35 8-9 * * ? *)", "2026-11-26T09:40:00Z", 3))
        .isEqualTo(
            instants("2026-11-27T08:05:00Z", "2026-11-27T08:35:00Z", "2026-11-27T09:05:00Z"));
    assertThat(ticks("cron(0 8 1 * ? *)", "2026-11-26T00:00:00Z", 2))
        .isEqualTo(instants("2026-12-01T08:00:00Z", "2027-01-01T08:00:00Z"));
  }

  @Test
  void cronDaysOfWeekCountFromSundayAsOne() {
    // 2026-11-27 is a Friday.
    assertThat(Instant.parse("2026-11-27T00:00:00Z").atZone(ZoneOffset.UTC).getDayOfWeek())
        .isEqualTo(DayOfWeek.FRIDAY);
    assertThat(ticks("cron(0 18 ? * MON-FRI *)", "2026-11-27T18:30:00Z", 2))
        .isEqualTo(instants("2026-11-30T18:00:00Z", "2026-12-01T18:00:00Z"));
    assertThat(ticks("cron(0 12 ? * 1 *)", "2026-11-26T00:00:00Z", 1))
        .isEqualTo(ticks("cron(0 12 ? * sun *)", "2026-11-26T00:00:00Z", 1))
        .isEqualTo(instants("2026-11-29T12:00:00Z"));
    assertThat(ticks("cron(0 0 ? * 7 *)", "2026-11-26T00:00:00Z", 1))
        .isEqualTo(instants("2026-11-28T00:00:00Z"));
  }

  @Test
  void cronMonthsYearsAndImpossibleDates() {
    assertThat(ticks("cron(0 0 29 2 ? *)", "2026-01-01T00:00:00Z", 2))
        .isEqualTo(instants("2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"));
    assertThat(ticks("cron(0 0 1 JUL-DEC ? 2027)", "2026-01-01T00:00:00Z", 1))
        .isEqualTo(instants("2027-07-01T00:00:00Z"));
    assertThat(
            Schedule.parse("cron(0 0 1 1 ? 2025)").nextAfter(Instant.parse("2026-01-01T00:00:00Z")))
        .isEmpty();
    assertThat(
            Schedule.parse("cron(0 0 31 4 ? *)").nextAfter(Instant.parse("2026-01-01T00:00:00Z")))
        .as("April has no 31st")
        .isEmpty();
  }

  @Test
  void cronRefusesWhatItDoesNotUnderstandNamingTheField() {
    assertThatThrownBy(() -> Schedule.parse("cron(0 12 * * * *)"))
        .hasMessage(
            "invalid cron expression \"cron(0 12 * * * *)\": exactly one of day-of-month and"
                + " day-of-week must be ?, e.g. cron(0 12 * * ? *)");
    assertThatThrownBy(() -> Schedule.parse("cron(0 12 * * ?)"))
        .hasMessageContaining("expected 6 fields");
    assertThatThrownBy(() -> Schedule.parse("cron(60 12 * * ? *)"))
        .hasMessageContaining("minutes value 60 is outside 0-59");
    assertThatThrownBy(() -> Schedule.parse("cron(0 12 ? * 6L *)"))
        .hasMessageContaining("day-of-week uses 6L: L, W and # are not supported");
    assertThatThrownBy(() -> Schedule.parse("cron(0 12 ? * 2#1 *)"))
        .hasMessageContaining("L, W and # are not supported");
    assertThatThrownBy(() -> Schedule.parse("cron(0 12 15W * ? *)"))
        .hasMessageContaining("day-of-month uses 15W");
    assertThatThrownBy(() -> Schedule.parse("cron(0 9-5 * * ? *)"))
        .hasMessageContaining("hours range 9-5 goes backwards");
    assertThatThrownBy(() -> Schedule.parse("cron(0 12 * FOO ? *)"))
        .hasMessageContaining("month has \"FOO\", expected a number or one of JAN,FEB");
    assertThatThrownBy(() -> Schedule.parse("cron(0 12 * * ? 1969)"))
        .hasMessageContaining("year value 1969 is outside 1970-2199");
  }
}
