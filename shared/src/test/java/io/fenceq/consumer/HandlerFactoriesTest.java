package io.fenceq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.engine.JobHandler;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandlerFactoriesTest {
  /** A factory as a user writes one. */
  public static final class Good implements HandlerFactory {
    @Override
    public Map<String, JobHandler> handlers(HandlerResources resources) {
      return Map.of("ping", (job, context) -> {});
    }
  }

  public static final class Empty implements HandlerFactory {
    @Override
    public Map<String, JobHandler> handlers(HandlerResources resources) {
      return Map.of();
    }
  }

  public static final class NeedsArgument implements HandlerFactory {
    public NeedsArgument(String table) {}

    @Override
    public Map<String, JobHandler> handlers(HandlerResources resources) {
      return Map.of();
    }
  }

  @Test
  void loadsTheNamedFactoryAndAsksItForHandlers() {
    ConsumerConfig config = config(Good.class.getName());

    HandlerFactory factory = HandlerFactories.load(config);

    assertThat(HandlerFactories.handlers(factory, resources(config))).containsOnlyKeys("ping");
  }

  @Test
  void withoutAHandlerClassTheHostIsToldWhatToSet() {
    ConsumerConfig config = config(null);

    assertThatThrownBy(() -> HandlerFactories.load(config))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessage(
            "FENCEQ_HANDLER is required: set it to your HandlerFactory class, or to"
                + " io.fenceq.examples.inventory.InventoryHandlers for the example inventory"
                + " handlers; got nothing (not set)");
  }

  @Test
  void anUnusableClassIsNamedWithWhatIsWrong() {
    assertThatThrownBy(() -> HandlerFactories.load(config("com.example.Missing")))
        .isInstanceOf(ConsumerConfigException.class)
        .hasMessageStartingWith(
            "FENCEQ_HANDLER names com.example.Missing, which is not usable: no such class");
    assertThatThrownBy(() -> HandlerFactories.load(config("java.lang.String")))
        .hasMessage(
            "FENCEQ_HANDLER names java.lang.String, which is not usable: it does not implement"
                + " io.fenceq.consumer.HandlerFactory");
    assertThatThrownBy(() -> HandlerFactories.load(config(NeedsArgument.class.getName())))
        .hasMessageEndingWith("it has no public no-argument constructor");
    ConsumerConfig empty = config(Empty.class.getName());
    assertThatThrownBy(
            () -> HandlerFactories.handlers(HandlerFactories.load(empty), resources(empty)))
        .hasMessageEndingWith("whose handlers() returned no handlers");
  }

  private static ConsumerConfig config(String handler) {
    return ConsumerConfig.builder()
        .queueUrl("http://127.0.0.1:9324/000000000000/q.fifo")
        .leaseTable("leases")
        .handler(handler)
        .build();
  }

  private static HandlerResources resources(ConsumerConfig config) {
    return new HandlerResources(config, Map.of(), null, null);
  }
}
