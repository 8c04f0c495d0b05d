package io.fenceq.local.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fenceq.local.LocalAwsException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** What DynamoDB Local looks like when its native SQLite library could not be loaded. */
class HealthChecksTest {
  private HttpServer failing;
  private URI endpoint;
  private DynamoDbClient dynamoDb;

  @BeforeEach
  void answerEveryRequestWithHttp500() throws IOException {
    failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    failing.createContext(
        "/",
        exchange -> {
          byte[] body =
              "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"x\"}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
          exchange.sendResponseHeaders(500, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    failing.start();
    endpoint = URI.create("http://127.0.0.1:" + failing.getAddress().getPort());
    dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()))
            .build();
  }

  @AfterEach
  void stop() {
    dynamoDb.close();
    failing.stop(0);
  }

  @Test
  void http500PointsAtTheSqliteTemporaryDirectory() {
    assertThatThrownBy(() -> HealthChecks.dynamoDbAnswers(dynamoDb, endpoint))
        .isInstanceOf(LocalAwsException.class)
        .hasMessageStartingWith("DynamoDB Local at " + endpoint + " answers HTTP 500 to ListTables")
        .hasMessageContaining("native SQLite library")
        .hasMessageContaining("org.sqlite.tmpdir")
        .hasMessageContaining(System.getProperty("java.io.tmpdir"));
  }
}
