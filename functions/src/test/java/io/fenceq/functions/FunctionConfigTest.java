package io.fenceq.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad configuration fails a function's constructor with one line naming the variable and the value,
 * before any AWS call; each function declares the FENCEQ_* variables it reads.
 */
class FunctionConfigTest {
  private static final Map<String, String> GOOD =
      Map.of(
          "FENCEQ_QUEUE_URL", "http://127.0.0.1:1/000000000000/q-work.fifo",
          "FENCEQ_LEASE_TABLE", "q-leases",
          "FENCEQ_HANDLER", "io.fenceq.examples.inventory.InventoryHandlers",
          "FENCEQ_INVENTORY_TABLE", "q-inventory",
          "AWS_REGION", "us-east-1",
          "AWS_ENDPOINT_URL", "http://127.0.0.1:1",
          "AWS_ACCESS_KEY_ID", "x",
          "AWS_SECRET_ACCESS_KEY", "y");

  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of("FENCEQ_QUEUE_URL", null, "is required"),
        Arguments.of(
            "FENCEQ_QUEUE_URL", "http://127.0.0.1:1/000000000000/q", "http://127.0.0.1:1/0000"),
        Arguments.of("FENCEQ_LANES", "0", "\"0\""),
        Arguments.of("FENCEQ_LANES", "many", "\"many\""),
        Arguments.of("AWS_REGION", null, "is required"),
        Arguments.of("AWS_REGION", "US East", "\"US East\""),
        Arguments.of("AWS_ENDPOINT_URL", "127.0.0.1:9324", "\"127.0.0.1:9324\""),
        Arguments.of("AWS_SECRET_ACCESS_KEY", null, "is required"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badSettings")
  void everyFunctionRefusesABadSettingNamingIt(String variable, String value, String shown) {
    Map<String, String> env = new HashMap<>(GOOD);
    if (value == null) {
      env.remove(variable);
    } else {
      env.put(variable, value);
    }
    for (Function<Map<String, String>, Object> function : functions()) {
      assertThatThrownBy(() -> function.apply(env))
          .isInstanceOf(FunctionConfigException.class)
          .hasMessageContaining(variable)
          .hasMessageContaining(shown)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void theConsumerAndLeaderNeedTheLeaseTable() {
    Map<String, String> env = new HashMap<>(GOOD);
    env.remove("FENCEQ_LEASE_TABLE");
    assertThatThrownBy(() -> new ConsumerFunction(env))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessageContaining("FENCEQ_LEASE_TABLE");
    assertThatThrownBy(() -> new LeaderFunction(env))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessageContaining("FENCEQ_LEASE_TABLE");
  }

  @Test
  void theProducersThatFollowTheRingsEpochNeedTheLeaseTable() {
    Map<String, String> env = new HashMap<>(GOOD);
    env.remove("FENCEQ_LEASE_TABLE");
    env.put("FENCEQ_RING_EPOCHS", "true");
    assertThatThrownBy(() -> new EnqueueFunction(env))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessageContaining("FENCEQ_LEASE_TABLE")
        .hasMessageContaining("FENCEQ_RING_EPOCHS=true")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    env.put("FENCEQ_RING_EPOCHS", "false");
    assertThat(new EnqueueFunction(env)).isNotNull();
  }

  @Test
  void theProducersRefuseARingEpochsFlagThatIsNotTrueOrFalse() {
    Map<String, String> env = new HashMap<>(GOOD);
    env.put("FENCEQ_RING_EPOCHS", "yes");
    for (Function<Map<String, String>, Object> function :
        List.<Function<Map<String, String>, Object>>of(EnqueueFunction::new, LeaderFunction::new)) {
      assertThatThrownBy(() -> function.apply(env))
          .isInstanceOf(FunctionConfigException.class)
          .hasMessage("FENCEQ_RING_EPOCHS must be true or false, got \"yes\"");
    }
  }

  @Test
  void theConsumerNamesAHandlerClassThatIsNotUsable() {
    Map<String, String> env = new HashMap<>(GOOD);
    env.put("FENCEQ_HANDLER", "com.example.Missing");
    assertThatThrownBy(() -> new ConsumerFunction(env))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessageContaining("FENCEQ_HANDLER")
        .hasMessageContaining("com.example.Missing");
  }

  @Test
  void theConsumerRefusesToStartWithoutAHandlerClass() {
    Map<String, String> env = new HashMap<>(GOOD);
    env.remove("FENCEQ_HANDLER");
    assertThatThrownBy(() -> new ConsumerFunction(env))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessageStartingWith("FENCEQ_HANDLER is required: set it to your HandlerFactory class")
        .hasMessageContaining("io.fenceq.examples.inventory.InventoryHandlers")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void theExampleHandlersNeedTheirTable() {
    Map<String, String> env = new HashMap<>(GOOD);
    env.remove("FENCEQ_INVENTORY_TABLE");
    assertThatThrownBy(() -> new ConsumerFunction(env))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessageStartingWith("FENCEQ_INVENTORY_TABLE is required");
  }

  @Test
  void aGoodEnvironmentConstructsEveryFunctionWithoutCallingAws() {
    // The endpoint refuses connections: construction must not need it.
    for (Function<Map<String, String>, Object> function : functions()) {
      assertThat(function.apply(GOOD)).isNotNull();
    }
  }

  @Test
  void eachFunctionDeclaresTheVariablesItReads() {
    assertThat(EnqueueFunction.VARIABLES)
        .containsExactlyInAnyOrder(
            "FENCEQ_QUEUE_URL",
            "FENCEQ_LANES",
            "FENCEQ_PAYLOAD_BUCKET",
            "FENCEQ_RING_EPOCHS",
            "FENCEQ_LEASE_TABLE");
    assertThat(ConsumerFunction.VARIABLES)
        .containsExactlyInAnyOrder(
            "FENCEQ_QUEUE_URL",
            "FENCEQ_DLQ_URL",
            "FENCEQ_LEASE_TABLE",
            "FENCEQ_LANES",
            "FENCEQ_MAX_ATTEMPTS",
            "FENCEQ_HANDLER",
            "FENCEQ_METRICS",
            "FENCEQ_PAYLOAD_BUCKET",
            "FENCEQ_RING_EPOCHS");
    assertThat(LeaderFunction.VARIABLES)
        .containsExactlyInAnyOrder(
            "FENCEQ_QUEUE_URL",
            "FENCEQ_LANES",
            "FENCEQ_LEASE_TABLE",
            "FENCEQ_CRON_JOBS",
            "FENCEQ_LEADER_ELECTION",
            "FENCEQ_LEADER_TOKEN_QUEUE_URL",
            "FENCEQ_RING_EPOCHS");
  }

  @Test
  void theLeaderSaysWhichElectionItCannotUse() {
    Map<String, String> env = new HashMap<>(GOOD);
    env.put("FENCEQ_LEADER_ELECTION", "zookeeper");
    assertThatThrownBy(() -> new LeaderFunction(env))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessage("FENCEQ_LEADER_ELECTION must be dynamodb or sqs-token, got \"zookeeper\"");
    env.put("FENCEQ_LEADER_ELECTION", "sqs-token");
    assertThatThrownBy(() -> new LeaderFunction(env))
        .isInstanceOf(FunctionConfigException.class)
        .hasMessageStartingWith("FENCEQ_LEADER_TOKEN_QUEUE_URL is required");
  }

  @Test
  void theConsumerIgnoresWorkerVariablesItDoesNotDeclare() {
    Map<String, String> env = new HashMap<>(GOOD);
    env.put("FENCEQ_CONCURRENCY", "not a number");
    env.put("FENCEQ_LEASE_SECONDS", "-1");
    assertThat(new ConsumerFunction(env)).isNotNull();
  }

  private static java.util.List<Function<Map<String, String>, Object>> functions() {
    return java.util.List.of(EnqueueFunction::new, ConsumerFunction::new, LeaderFunction::new);
  }
}
