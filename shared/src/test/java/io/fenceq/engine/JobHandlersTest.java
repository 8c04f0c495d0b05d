package io.fenceq.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JobHandlersTest {
  private final JobHandler reserve = (job, context) -> {};
  private final JobHandler release = (job, context) -> {};

  @Test
  void findsTheHandlerOfEachType() {
    JobHandlers handlers =
        JobHandlers.builder().on("reserve", reserve).on("release", release).build();

    assertThat(handlers.handlerFor("reserve")).containsSame(reserve);
    assertThat(handlers.handlerFor("release")).containsSame(release);
    assertThat(handlers.handlerFor("nope")).isEmpty();
    assertThat(handlers.types()).containsExactlyInAnyOrder("reserve", "release");
  }

  @Test
  void isBuiltFromAMapToo() {
    assertThat(JobHandlers.of(Map.of("reserve", reserve)).handlerFor("reserve"))
        .containsSame(reserve);
  }

  @Test
  void refusesASecondHandlerForATypeABlankTypeAndANullHandler() {
    assertThatThrownBy(() -> JobHandlers.builder().on("reserve", reserve).on("reserve", release))
        .hasMessageContaining("job type reserve already has a handler");
    assertThatThrownBy(() -> JobHandlers.builder().on(" ", reserve))
        .hasMessageContaining("job type must not be blank");
    assertThatThrownBy(() -> JobHandlers.builder().on("reserve", null))
        .hasMessageContaining("handler of job type reserve must not be null");
  }
}
