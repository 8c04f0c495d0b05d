package io.fenceq.queue.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedrivePolicyTest {
  @Test
  void readsTheCountAsNumberOrString() {
    assertThat(
            RedrivePolicy.maxReceiveCount(
                "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:dlq.fifo\",\"maxReceiveCount\":5}"))
        .hasValue(5);
    assertThat(RedrivePolicy.maxReceiveCount("{\"maxReceiveCount\":\"12\"}")).hasValue(12);
  }

  @Test
  void anAbsentOrUnusablePolicyGivesNoCount() {
    assertThat(RedrivePolicy.maxReceiveCount(null)).isEmpty();
    assertThat(RedrivePolicy.maxReceiveCount("")).isEmpty();
    assertThat(RedrivePolicy.maxReceiveCount("not json")).isEmpty();
    assertThat(RedrivePolicy.maxReceiveCount("{\"deadLetterTargetArn\":\"x\"}")).isEmpty();
    assertThat(RedrivePolicy.maxReceiveCount("{\"maxReceiveCount\":\"five\"}")).isEmpty();
    assertThat(RedrivePolicy.maxReceiveCount("{\"maxReceiveCount\":0}")).isEmpty();
  }

  @Test
  void readsTheDeadLetterQueuesArn() {
    assertThat(
            RedrivePolicy.deadLetterTargetArn(
                "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:dlq.fifo\",\"maxReceiveCount\":5}"))
        .hasValue("arn:aws:sqs:us-east-1:1:dlq.fifo");
    assertThat(RedrivePolicy.deadLetterTargetArn(null)).isEmpty();
    assertThat(RedrivePolicy.deadLetterTargetArn("not json")).isEmpty();
    assertThat(RedrivePolicy.deadLetterTargetArn("{\"maxReceiveCount\":5}")).isEmpty();
  }
}
