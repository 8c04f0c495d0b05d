package io.fenceq.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The lease table compares sequence numbers as strings: their stored keys must sort as the numbers
 * do, for every number SQS can write (128 bits), and anything that is not one must be refused.
 */
class SequenceSpanPropertyTest {
  private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  @Provide
  Arbitrary<BigInteger> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.bigIntegers().between(BigInteger.ZERO, MAX),
        Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(100_000)),
        Arbitraries.of(BigInteger.ZERO, BigInteger.TEN, MAX, MAX.subtract(BigInteger.ONE)));
  }

  @Property(tries = 2000)
  void keysSortAsTheNumbers(@ForAll("numbers") BigInteger a, @ForAll("numbers") BigInteger b) {
    BigInteger lo = a.min(b);
    BigInteger hi = a.max(b);
    SequenceSpan low = new SequenceSpan(lo.toString(), lo.toString());
    SequenceSpan high = new SequenceSpan(hi.toString(), hi.toString());

    assertThat(Integer.signum(low.firstKey().compareTo(high.firstKey())))
        .isEqualTo(lo.compareTo(hi));
    assertThat(high.startsAfter(low.lastKey())).isEqualTo(hi.compareTo(lo) > 0);
    assertThat(low.firstKey()).hasSize(SequenceSpan.KEY_DIGITS);
  }

  @Property(tries = 1000)
  void theSpanOfABatchRunsFromItsSmallestToItsLargestNumber(
      @ForAll("numbers") BigInteger a,
      @ForAll("numbers") BigInteger b,
      @ForAll("numbers") BigInteger c) {
    SequenceSpan span =
        SequenceSpan.of(List.of(a.toString(), b.toString(), c.toString())).orElseThrow();

    assertThat(new BigInteger(span.first())).isEqualTo(a.min(b).min(c));
    assertThat(new BigInteger(span.last())).isEqualTo(a.max(b).max(c));
  }

  @Property(tries = 1000)
  void anythingButOneToFortyDigitsIsRefusedNamingTheValue(@ForAll("notNumbers") String text) {
    assertThat(SequenceSpan.of(List.of("1", text))).isEmpty();
    assertThatThrownBy(() -> new SequenceSpan(text, "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "sequence span's first number must be 1 to 40 decimal digits, got \"" + text + '"');
  }

  @Provide
  Arbitrary<String> notNumbers() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMinLength(1).ofMaxLength(12).filter(s -> !s.matches("[0-9]+")),
        Arbitraries.strings().numeric().ofLength(41),
        Arbitraries.of("", " 1", "1 ", "-1", "+1", "1e3", "١٢"));
  }

  @Test
  void aSpanWhoseLastIsBelowItsFirstIsRefused() {
    assertThatThrownBy(() -> new SequenceSpan("10", "9"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequence span's last number 9 is below its first 10");
    assertThat(SequenceSpan.of(List.of())).isEmpty();
    assertThat(new SequenceSpan("7", "12")).hasToString("7..12");
    assertThat(new SequenceSpan("7", "7")).hasToString("7");
  }
}
