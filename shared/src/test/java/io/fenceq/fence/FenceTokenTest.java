package io.fenceq.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class FenceTokenTest {
  @Test
  void keepsSequenceNumbersBeyondALongExactly() {
    FenceToken t = new FenceToken(7, "18446744073709551617");
    assertThat(t.seqNumber()).isEqualTo(BigInteger.TWO.pow(64).add(BigInteger.ONE));
    assertThat(t.seqDecimal().scale()).isZero();
    assertThat(new FenceToken(1, "9".repeat(38)).seqNumber().toString()).hasSize(38);
  }

  @Test
  void refusesWhatStorageCouldNotHoldExactly() {
    assertThatThrownBy(() -> new FenceToken(0, "1"))
        .hasMessage("fence must be at least 1 (fences start at 1), got 0");
    assertThatThrownBy(() -> new FenceToken(1, "9".repeat(39)))
        .hasMessageStartingWith("seq must be 1 to 38 decimal digits (an SQS SequenceNumber), got");
    assertThatThrownBy(() -> new FenceToken(1, "-5")).hasMessageContaining("got \"-5\"");
    assertThatThrownBy(() -> new FenceToken(1, "1e5")).hasMessageContaining("got \"1e5\"");
    assertThatThrownBy(() -> new FenceToken(1, null)).hasMessageContaining("got null");
  }
}
