package io.fenceq.local.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP server on the JDK's {@link HttpServer}: the page and its assets from the jar,
 * and {@code /api/state} as JSON. Read-only: it answers GET only.
 */
public final class ConsoleServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String ASSETS = "/io/fenceq/local/console/";
  private static final Map<String, String> PAGES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/console.css", "console.css",
          "/console.js", "console.js");

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ConsoleServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving {@code state} on {@code address}; port 0 picks a free one. */
  public static ConsoleServer start(InetSocketAddress address, ConsoleState state) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on " + address + ": " + e.getMessage(), e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2, Thread.ofPlatform().name("fenceq-console-", 0).daemon(true).factory());
    server.setExecutor(executor);
    server.createContext("/api/state", exchange -> handle(exchange, () -> json(state)));
    server.createContext("/", exchange -> handle(exchange, () -> asset(exchange)));
    server.start();
    return new ConsoleServer(server, executor);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  private record Response(int status, String contentType, byte[] body) {}

  private interface Handler {
    Response respond() throws IOException;
  }

  private static void handle(HttpExchange exchange, Handler handler) throws IOException {
    try (exchange) {
      Response response;
      if (!"GET".equals(exchange.getRequestMethod())) {
        response = text(405, "read-only console: GET only");
      } else {
        try {
          response = handler.respond();
        } catch (RuntimeException e) {
          log.warn(
              "event=console_error path={} error=\"{}\"", exchange.getRequestURI(), e.toString());
          response = text(500, e.toString());
        }
      }
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(response.status(), response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }

  private static Response json(ConsoleState state) {
    return new Response(200, "application/json", state.read().getBytes(StandardCharsets.UTF_8));
  }

  private static Response asset(HttpExchange exchange) throws IOException {
    String name = PAGES.get(exchange.getRequestURI().getPath());
    if (name == null) {
      return text(404, "not found");
    }
    try (InputStream in = ConsoleServer.class.getResourceAsStream(ASSETS + name)) {
      if (in == null) {
        return text(404, "not found");
      }
      String type =
          name.endsWith(".html")
              ? "text/html; charset=utf-8"
              : name.endsWith(".css") ? "text/css" : "text/javascript";
      return new Response(200, type, in.readAllBytes());
    }
  }

  private static Response text(int status, String body) {
    return new Response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }
}
