package io.fenceq.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class AwsClientsOptionsTest {
  @Test
  void defaultsAreTheStandardAttemptsWithoutHooksOrTimeouts() {
    assertThat(AwsClients.Options.DEFAULT.maxAttempts()).isEqualTo(AwsClients.DEFAULT_MAX_ATTEMPTS);
    assertThat(AwsClients.Options.DEFAULT.interceptors()).isEmpty();
    assertThat(AwsClients.Options.DEFAULT.apiCallTimeout()).isNull();
    assertThat(AwsClients.Options.DEFAULT.apiCallAttemptTimeout()).isNull();
    assertThat(AwsClients.Options.DEFAULT.httpClientDecorator()).isNull();
  }

  @Test
  void badSettingsAreNamed() {
    assertThatThrownBy(() -> AwsClients.Options.builder().maxAttempts(0))
        .hasMessage("maxAttempts must be at least 1, was 0");
    assertThatThrownBy(() -> AwsClients.Options.builder().apiCallAttemptTimeout(Duration.ZERO))
        .hasMessage("apiCallAttemptTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> AwsClients.Options.builder().apiCallTimeout(null))
        .hasMessage("apiCallTimeout must be positive, was null");
  }

  @Test
  void interceptorsAndTheHttpDecoratorAreUsedAndTheDecoratedClientIsClosedWithTheSdkClient() {
    List<String> seen = new ArrayList<>();
    ExecutionInterceptor refuse =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
            seen.add("intercepted " + context.request().getClass().getSimpleName());
            throw new IllegalStateException("refused before sending");
          }
        };
    AwsClients.Options options =
        AwsClients.Options.builder()
            .interceptor(refuse)
            .httpClientDecorator(
                client ->
                    new SdkHttpClient() {
                      @Override
                      public software.amazon.awssdk.http.ExecutableHttpRequest prepareRequest(
                          software.amazon.awssdk.http.HttpExecuteRequest request) {
                        return client.prepareRequest(request);
                      }

                      @Override
                      public void close() {
                        seen.add("http client closed");
                        client.close();
                      }
                    })
            .build();
    SqsClient sqs =
        AwsClients.sqs(
            new AwsClients.Target(
                URI.create("http://127.0.0.1:9"),
                null,
                Region.US_EAST_1,
                AnonymousCredentialsProvider.create()),
            options);

    assertThatThrownBy(() -> sqs.listQueues()).hasMessageContaining("refused before sending");
    sqs.close();

    assertThat(seen).containsExactly("intercepted ListQueuesRequest", "http client closed");
  }
}
