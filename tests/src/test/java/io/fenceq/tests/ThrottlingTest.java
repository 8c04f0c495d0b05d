package io.fenceq.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fenceq.aws.AwsClients;
import io.fenceq.queue.EnqueueException;
import io.fenceq.queue.Enqueuer;
import io.fenceq.queue.JobRequest;
import io.fenceq.ring.HashRing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An SQS endpoint that throttles every send: the client retries with backoff, then fenceq reports a
 * clear error naming the queue and the attempts. Runs the real SDK over HTTP against a stub on
 * loopback, since neither emulator throttles.
 */
class ThrottlingTest {
  private HttpServer server;
  private final AtomicInteger sends = new AtomicInteger();

  @BeforeEach
  void startThrottlingEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
          exchange.getRequestBody().readAllBytes();
          int status;
          String body;
          if ("AmazonSQS.GetQueueAttributes".equals(target)) {
            status = 200;
            body = "{\"Attributes\":{\"FifoQueue\":\"true\",\"MaximumMessageSize\":\"262144\"}}";
          } else {
            sends.incrementAndGet();
            status = 400;
            body =
                "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\",\"message\":\"Rate exceeded\"}";
            exchange.getResponseHeaders().add("x-amzn-query-error", "ThrottlingException;Sender");
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void throttledSendsAreRetriedWithBackoffThenReportedClearly() {
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    String queueUrl = endpoint + "/000000000000/throttled.fifo";
    try (SqsClient sqs =
        AwsClients.sqs(
            new AwsClients.Target(
                endpoint,
                null,
                Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))))) {
      Enqueuer enqueuer =
          Enqueuer.builder().sqs(sqs).queueUrl(queueUrl).ring(HashRing.of(16)).build();

      assertThatThrownBy(() -> enqueuer.enqueue(JobRequest.ofJson("sku-1", "reserve", "{}")))
          .isInstanceOf(EnqueueException.class)
          .hasMessageContaining("SQS throttled sending job")
          .hasMessageContaining("key=sku-1")
          .hasMessageContaining(queueUrl)
          .hasMessageContaining("after " + AwsClients.DEFAULT_MAX_ATTEMPTS + " attempt(s)");
      assertThat(sends.get()).isEqualTo(AwsClients.DEFAULT_MAX_ATTEMPTS);
    }
  }
}
