package io.fenceq.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The {@code fenceq} health component ({@link FenceqHealthIndicator}) when Actuator is present;
 * {@code management.health.fenceq.enabled=false} turns it off.
 */
@AutoConfiguration(after = FenceqAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(FenceqProperties.class)
@ConditionalOnEnabledHealthIndicator("fenceq")
public class FenceqHealthAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "fenceqHealthIndicator")
  public FenceqHealthIndicator fenceqHealthIndicator(
      SqsClient sqs,
      ObjectProvider<DynamoDbClient> dynamoDb,
      FenceqProperties properties,
      ObjectProvider<FenceqWorkerLifecycle> worker) {
    return new FenceqHealthIndicator(
        sqs, dynamoDb.getIfAvailable(), properties, worker.getIfAvailable());
  }
}
