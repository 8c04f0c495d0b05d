package io.fenceq.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LaneTest {

  @Test
  void idIsFourZeroPaddedDigits() {
    assertThat(new Lane(0).id()).isEqualTo("lane-0000");
    assertThat(new Lane(42).id()).isEqualTo("lane-0042");
    assertThat(new Lane(9999).id()).isEqualTo("lane-9999");
    assertThat(new Lane(42)).hasToString("lane-0042");
  }

  @Test
  void parseReadsBackEveryId() {
    for (int i = 0; i <= Lane.MAX_INDEX; i++) {
      Lane lane = new Lane(i);
      assertThat(Lane.parse(lane.id())).isEqualTo(lane);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "lane-",
        "lane-42",
        "lane-00042",
        "Lane-0042",
        "lane_0042",
        "lane-004a",
        "lane-+042",
        "lane--042",
        " lane-0042",
        "lane-0042 ",
        "lane-\u0660\u0660\u0664\u0662"
      })
  void parseRejectsAnythingButTheCanonicalForm(String id) {
    assertThatThrownBy(() -> Lane.parse(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a lane id")
        .hasMessageContaining('"' + id + '"');
  }

  @Test
  void parseRejectsNull() {
    assertThatThrownBy(() -> Lane.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(": null");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 10_000, Integer.MIN_VALUE, Integer.MAX_VALUE})
  void rejectsIndexesOutsideTheIdFormat(int index) {
    assertThatThrownBy(() -> new Lane(index))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("lane index must be between 0 and 9999, got " + index);
  }

  @Test
  void ordersByIndex() {
    assertThat(new Lane(3)).isLessThan(new Lane(10));
  }
}
