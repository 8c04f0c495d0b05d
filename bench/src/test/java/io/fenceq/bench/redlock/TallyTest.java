package io.fenceq.bench.redlock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TallyTest {
  @Test
  void salesBeyondWhatLeftTheStockAreDoubleBookings() {
    Tally t = new Tally();
    t.sold = 64;
    t.stockSold = 60;
    assertThat(t.doubleBookings()).isEqualTo(4);
    assertThat(t.violationRate()).isEqualTo(4 / 64.0);
  }

  @Test
  void noSalesNoViolations() {
    assertThat(new Tally().violationRate()).isZero();
  }
}
