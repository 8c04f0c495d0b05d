package io.fenceq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a flag variable holds, it reads as off, as on, or is refused in one line naming the
 * variable and the value: only {@code true} and {@code false} (stripped) are spelled right.
 */
class ConsumerConfigFlagPropertyTest {

  @Property(tries = 2000)
  void aFlagIsOnOffOrRefusedNamingTheVariableAndValue(@ForAll("values") String value) {
    String stripped = value.strip();
    boolean on;
    try {
      on = ConsumerConfig.flag(ConsumerConfig.RING_EPOCHS, value);
    } catch (ConsumerConfigException e) {
      assertThat(stripped).isNotIn("", "true", "false");
      assertThat(e.getMessage())
          .isEqualTo(
              ConsumerConfig.RING_EPOCHS + " must be true or false, got \"" + stripped + "\"");
      return;
    }
    assertThat(stripped).isIn("", "true", "false");
    assertThat(on).isEqualTo(stripped.equals("true"));
  }

  @Property(tries = 200)
  void theEnvironmentReadsTheFlagByTheSameRule(@ForAll("values") String value) {
    Map<String, String> env =
        Map.of(
            ConsumerConfig.QUEUE_URL,
            "http://127.0.0.1:9324/000000000000/q.fifo",
            ConsumerConfig.LEASE_TABLE,
            "leases",
            // One lane: the ring is built per try, and its size is not what is tested here.
            ConsumerConfig.LANES,
            "1",
            ConsumerConfig.RING_EPOCHS,
            value);
    Boolean direct;
    try {
      direct = ConsumerConfig.flag(ConsumerConfig.RING_EPOCHS, value);
    } catch (ConsumerConfigException e) {
      assertThatThrownBy(() -> ConsumerConfig.fromEnvironment(env)).hasMessage(e.getMessage());
      return;
    }
    assertThat(ConsumerConfig.fromEnvironment(env).ringEpochs()).isEqualTo(direct);
  }

  /** Near misses (case, padding, look-alikes) as well as arbitrary text. */
  @Provide
  Arbitrary<String> values() {
    Arbitrary<String> spelled =
        Arbitraries.of("true", "false", "TRUE", "False", "yes", "no", "1", "0", "on", "off", "");
    Arbitrary<String> padding = Arbitraries.of("", " ", "\t", "\n", " \n ");
    Arbitrary<String> nearMiss =
        Combinators.combine(padding, spelled, padding).as((a, b, c) -> a + b + c);
    Arbitrary<String> any = Arbitraries.strings().ofMaxLength(12);
    return Arbitraries.oneOf(nearMiss, nearMiss, any);
  }
}
