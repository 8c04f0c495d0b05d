package io.fenceq.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequireTest {
  @Test
  void argumentNamesTheOwnerTheSettingAndTheValue() {
    assertThatCode(() -> Require.argument(true, "LaneProcessor", "config", null))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> Require.argument(false, "Enqueuer", "entryAttempts", 21))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid Enqueuer setting entryAttempts: 21");
  }

  @Test
  void notNullReturnsTheValueOrRefusesItAsNull() {
    Object config = new Object();
    assertThat(Require.notNull(config, "LaneProcessor", "config")).isSameAs(config);
    assertThatThrownBy(() -> Require.notNull(null, "LaneProcessor", "config"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid LaneProcessor setting config: null");
  }

  @Test
  void ruleStatesWhatTheSettingMustBeBeforeWhatItWas() {
    assertThatCode(() -> Require.rule(true, "EngineConfig", "backoffCap", "must be positive", 0))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> Require.rule(false, "EngineConfig", "backoffCap", "must be positive", "0ms"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid EngineConfig setting backoffCap: must be positive, got 0ms");
    assertThat(Require.invalid("EngineConfig", "ring", "is required", null))
        .hasMessage("invalid EngineConfig setting ring: is required, got null");
  }

  @Test
  void valueStatesTheRuleWithoutAnOwner() {
    assertThatCode(() -> Require.value(true, "lanes", "must be between 1 and 10000", 0))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> Require.value(false, "leaseDuration", "must be set", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaseDuration must be set, got null");
  }
}
