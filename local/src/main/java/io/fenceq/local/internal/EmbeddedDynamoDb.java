package io.fenceq.local.internal;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import io.fenceq.local.LocalAwsException;
import io.fenceq.local.PortInUseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB Local, in memory, in this JVM.
 *
 * <p>It binds all interfaces: DynamoDB Local has no option to choose one. It refuses port 0, so a
 * free port is picked here first; another process may take it before DynamoDB Local binds, hence a
 * few attempts. Its HTTP server leaves non-daemon threads behind after {@link #close()}, so a
 * command-line {@code main} must end with {@code System.exit}.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDynamoDb.class);
  private static final int ATTEMPTS_ON_ANY_PORT = 3;

  private final DynamoDBProxyServer server;
  private final int port;

  private EmbeddedDynamoDb(DynamoDBProxyServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts DynamoDB Local.
   *
   * @param requestedPort the port, or 0 for any free one
   * @throws LocalAwsException naming the port if it is in use or the server fails to start
   */
  public static EmbeddedDynamoDb start(int requestedPort) {
    int attempts = requestedPort == 0 ? ATTEMPTS_ON_ANY_PORT : 1;
    for (int attempt = 1; ; attempt++) {
      int port = requestedPort == 0 ? freePort() : requestedPort;
      DynamoDBProxyServer server = create(port);
      try {
        server.start();
        log.debug("dynamodb local listening port={} attempt={}", port, attempt);
        return new EmbeddedDynamoDb(server, port);
      } catch (Exception e) {
        stopQuietly(server);
        if (!BindFailures.isBindFailure(e)) {
          throw new LocalAwsException(
              "DynamoDB Local failed to start on port " + port + ": " + e, e);
        }
        if (attempt < attempts) {
          log.debug(
              "dynamodb local port taken meanwhile, retrying port={} attempt={}", port, attempt);
          continue;
        }
        throw new PortInUseException(
            PortInUseException.Service.DYNAMODB,
            port,
            "DynamoDB Local cannot listen on port "
                + port
                + " (it binds all interfaces): the port is already in use; choose another"
                + " DynamoDB port or 0 for any free one",
            e);
      }
    }
  }

  /**
   * Same as {@code ServerRunner.createServerFromCommandLineArgs}, without the configuration banner
   * it prints on standard output (which would corrupt the output of a command printing environment
   * variables).
   */
  private static DynamoDBProxyServer create(int port) {
    String[] args = {
      "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)
    };
    CommandLineInput input;
    try {
      input = new CommandLineInput(args);
    } catch (Exception e) {
      throw new LocalAwsException(
          "DynamoDB Local refused its options " + String.join(" ", args) + ": " + e, e);
    }
    if (!input.init()) {
      throw new LocalAwsException("DynamoDB Local refused its options " + String.join(" ", args));
    }
    return ServerRunner.createServer(input);
  }

  /** A port free on all interfaces right now. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port for DynamoDB Local", e);
    }
  }

  /** The port DynamoDB Local listens on. */
  public int port() {
    return port;
  }

  /** Stops the HTTP server; its non-daemon threads may remain. */
  @Override
  public void close() {
    try {
      server.stop();
      log.debug("dynamodb local stopped port={}", port);
    } catch (Exception e) {
      throw new LocalAwsException("DynamoDB Local on port " + port + " did not stop: " + e, e);
    }
  }

  private static void stopQuietly(DynamoDBProxyServer server) {
    try {
      server.stop();
    } catch (Exception e) {
      log.debug("dynamodb local half-started server did not stop cleanly", e);
    }
  }
}
