package io.fenceq.cron.internal;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code cron(minutes hours day-of-month month day-of-week year)} as EventBridge writes it, in UTC:
 * six fields, each {@code *}, a value, a range {@code a-b}, a step {@code a/n}, {@code *}{@code /n}
 * or {@code a-b/n}, or a comma-separated list of those. Months may be {@code JAN}-{@code DEC}, days
 * of week {@code SUN}-{@code SAT} (1 = Sunday, as in EventBridge). Exactly one of day-of-month and
 * day-of-week must be {@code ?}. EventBridge's {@code L}, {@code W} and {@code #} are refused
 * rather than misread.
 */
public final class CronRule implements TickRule {
  static final int MIN_YEAR = 1970;
  static final int MAX_YEAR = 2199;
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth; // null when '?'
  private final BitSet months;
  private final BitSet daysOfWeek; // null when '?'; bit 1 = Sunday
  private final BitSet years;

  private CronRule(
      BitSet minutes,
      BitSet hours,
      BitSet daysOfMonth,
      BitSet months,
      BitSet daysOfWeek,
      BitSet years) {
    this.minutes = minutes;
    this.hours = hours;
    this.daysOfMonth = daysOfMonth;
    this.months = months;
    this.daysOfWeek = daysOfWeek;
    this.years = years;
  }

  /**
   * @param fields the text between {@code cron(} and {@code )}
   * @throws IllegalArgumentException naming the expression, the field and what is wrong
   */
  public static CronRule parse(String expression, String fields) {
    String[] f = fields.strip().split("\\s+");
    if (f.length != 6) {
      throw invalid(
          expression,
          "expected 6 fields (minutes hours day-of-month month day-of-week year), got " + f.length);
    }
    boolean domAny = f[2].equals("?");
    boolean dowAny = f[4].equals("?");
    if (domAny == dowAny) {
      throw invalid(
          expression,
          "exactly one of day-of-month and day-of-week must be ?, e.g. cron(0 12 * * ? *)");
    }
    return new CronRule(
        field(expression, "minutes", f[0], 0, 59, null),
        field(expression, "hours", f[1], 0, 23, null),
        domAny ? null : field(expression, "day-of-month", f[2], 1, 31, null),
        field(expression, "month", f[3], 1, 12, MONTHS),
        dowAny ? null : field(expression, "day-of-week", f[4], 1, 7, DAYS),
        field(expression, "year", f[5], MIN_YEAR, MAX_YEAR, null));
  }

  @Override
  public Optional<Instant> nextAfter(Instant after) {
    LocalDateTime t =
        LocalDateTime.ofInstant(after, ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.MINUTES)
            .plusMinutes(1);
    while (t.getYear() <= MAX_YEAR) {
      if (t.getYear() < MIN_YEAR || !years.get(t.getYear())) {
        t = LocalDate.of(t.getYear() + 1, 1, 1).atStartOfDay();
      } else if (!months.get(t.getMonthValue())) {
        t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!dayMatches(t.toLocalDate())) {
        t = t.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return Optional.of(t.toInstant(ZoneOffset.UTC));
      }
    }
    return Optional.empty();
  }

  private boolean dayMatches(LocalDate date) {
    if (daysOfMonth != null) {
      return daysOfMonth.get(date.getDayOfMonth());
    }
    return daysOfWeek.get(awsDayOfWeek(date.getDayOfWeek()));
  }

  /** EventBridge numbers days of week 1 = Sunday to 7 = Saturday. */
  static int awsDayOfWeek(DayOfWeek day) {
    return day.getValue() % 7 + 1;
  }

  private static BitSet field(
      String expression, String name, String text, int min, int max, List<String> names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw invalid(expression, name + " has an empty list element in \"" + text + "\"");
      }
      for (String token : part.split("[-/]")) {
        boolean isName = names != null && names.contains(upper(token));
        if (!isName && token.matches(".*[LlWw#].*")) {
          throw invalid(
              expression,
              name + " uses " + part + ": L, W and # are not supported by fenceq's scheduler");
        }
      }
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = number(expression, name, part.substring(slash + 1), 1, max, null);
        range = part.substring(0, slash);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else {
        int dash = range.indexOf('-');
        if (dash > 0) {
          from = number(expression, name, range.substring(0, dash), min, max, names);
          to = number(expression, name, range.substring(dash + 1), min, max, names);
          if (to < from) {
            throw invalid(expression, name + " range " + range + " goes backwards");
          }
        } else {
          from = number(expression, name, range, min, max, names);
          to = slash >= 0 ? max : from;
        }
      }
      for (int v = from; v <= to; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(
      String expression, String name, String text, int min, int max, List<String> names) {
    if (names != null) {
      int i = names.indexOf(upper(text));
      if (i >= 0) {
        return min + i;
      }
    }
    if (!text.matches("\\d{1,4}")) {
      throw invalid(
          expression,
          name
              + " has \""
              + text
              + "\", expected a number"
              + (names == null ? "" : " or one of " + String.join(",", names)));
    }
    int v = Integer.parseInt(text);
    if (v < min || v > max) {
      throw invalid(expression, name + " value " + v + " is outside " + min + "-" + max);
    }
    return v;
  }

  private static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  private static IllegalArgumentException invalid(String expression, String why) {
    return new IllegalArgumentException("invalid cron expression \"" + expression + "\": " + why);
  }
}
