package io.fenceq.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fenceq.leader.internal.TokenBody;
import io.fenceq.leader.internal.TokenFence;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class TokenFenceTest {
  @Test
  void aNewerGenerationOutranksEveryReceiveOfTheOlderOne() {
    long oldest = TokenFence.of(7, TokenFence.MAX_RECEIVE_COUNT);
    long next = TokenFence.of(8, 1);
    assertThat(next).isGreaterThan(oldest);
    assertThat(TokenFence.of(8, 2)).isGreaterThan(next);
    assertThat(TokenFence.generation(next)).isEqualTo(8);
    assertThat(TokenFence.receiveCount(next)).isEqualTo(1);
    assertThat(TokenFence.of(TokenFence.MAX_GENERATION, TokenFence.MAX_RECEIVE_COUNT))
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void partsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> TokenFence.of(0, 1)).hasMessageContaining("generation");
    assertThatThrownBy(() -> TokenFence.of(1, TokenFence.MAX_RECEIVE_COUNT + 1))
        .hasMessageContaining("receive count");
  }

  @Test
  void theBodyNamesItsLeadershipAndGeneration() {
    String body = TokenBody.format("cron", 42);
    assertThat(TokenBody.generation(body, "cron")).hasValue(42L);
    assertThat(TokenBody.generation(body, "other")).isEmpty();
    assertThat(TokenBody.generation("hello", "cron")).isEmpty();
    assertThat(TokenBody.generation("fenceq-leader-token v1 name=cron generation=0", "cron"))
        .isEmpty();
    assertThat(TokenBody.deduplicationId("cron", 3)).isEqualTo("fenceq-leader-cron-g3");
  }

  @Test
  void oneSettingChoosesTheMechanism() {
    assertThat(LeaderElections.Kind.of(null)).isEqualTo(LeaderElections.Kind.DYNAMODB);
    assertThat(LeaderElections.Kind.of("SQS-Token")).isEqualTo(LeaderElections.Kind.SQS_TOKEN);
    assertThatThrownBy(() -> LeaderElections.Kind.of("zookeeper"))
        .hasMessage("FENCEQ_LEADER_ELECTION must be dynamodb or sqs-token, got \"zookeeper\"");
  }

  @Test
  void badSettingsAreNamed() {
    try (SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1).build()) {
      assertThatThrownBy(
              () ->
                  LeaderElections.builder()
                      .kind(LeaderElections.Kind.SQS_TOKEN)
                      .sqs(sqs)
                      .name("cron")
                      .build())
          .hasMessageContaining("tokenQueueUrl")
          .hasMessageContaining("FENCEQ_LEADER_TOKEN_QUEUE_URL");
      assertThatThrownBy(
              () ->
                  SqsTokenElector.builder()
                      .sqs(sqs)
                      .queueUrl("https://sqs/1/q.fifo")
                      .name("cron")
                      .visibilityTimeout(Duration.ofMillis(1500))
                      .build())
          .hasMessage(
              "invalid SqsTokenElector setting visibilityTimeout: 1.5s (whole seconds, 1 s to"
                  + " 12 h)");
      assertThatThrownBy(
              () ->
                  SqsTokenElector.builder()
                      .sqs(sqs)
                      .queueUrl("https://sqs/1/q.fifo")
                      .name("cron")
                      .resendAfter(Duration.ofHours(12))
                      .build())
          .hasMessageContaining("resendAfter");
      assertThatThrownBy(
              () ->
                  SqsTokenElector.builder()
                      .sqs(sqs)
                      .queueUrl("https://sqs/1/q")
                      .name("cron")
                      .build())
          .hasMessageContaining("queueUrl");
    }
  }
}
