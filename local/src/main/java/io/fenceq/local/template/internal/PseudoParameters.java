package io.fenceq.local.template.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code AWS::*} pseudo parameters of one stack.
 *
 * @param stackName {@code AWS::StackName}
 * @param region {@code AWS::Region}
 * @param accountId {@code AWS::AccountId}
 */
public record PseudoParameters(String stackName, String region, String accountId) {

  /**
   * The value of {@code name}, or empty if it is no pseudo parameter. {@code AWS::NoValue} gives
   * {@link IntrinsicResolver#NO_VALUE}.
   */
  public Optional<Object> value(String name) {
    return Optional.ofNullable(
        switch (name) {
          case "AWS::StackName" -> stackName;
          case "AWS::Region" -> region;
          case "AWS::AccountId" -> accountId;
          case "AWS::Partition" -> partition();
          case "AWS::URLSuffix" -> region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
          case "AWS::StackId" -> stackId();
          case "AWS::NotificationARNs" -> List.of();
          case "AWS::NoValue" -> IntrinsicResolver.NO_VALUE;
          default -> null;
        });
  }

  private String partition() {
    if (region.startsWith("cn-")) {
      return "aws-cn";
    }
    return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  }

  /** Stable for a stack name, so repeated runs agree. */
  private String stackId() {
    UUID id = UUID.nameUUIDFromBytes(stackName.getBytes(StandardCharsets.UTF_8));
    return "arn:"
        + partition()
        + ":cloudformation:"
        + region
        + ":"
        + accountId
        + ":stack/"
        + stackName
        + "/"
        + id;
  }
}
