package io.fenceq.local.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP server on the JDK's {@link HttpServer}: the page and its assets from the jar,
 * {@code /api/state} as JSON, and with a {@link DeadLetterConsole} the dead-letter endpoints:
 *
 * <ul>
 *   <li>{@code GET /api/dlq}: the jobs at the head of each lane of the dead-letter queue
 *   <li>{@code GET /api/dlq/job?jobId=...}: one job with its body and attributes
 *   <li>{@code POST /api/dlq/redrive}, {@code POST /api/dlq/delete}: a form ({@code key=} or one or
 *       more {@code jobId=}); without {@code token=} a dry run that answers a confirmation token,
 *       with it the write. 403 unless writes are allowed, and for a request not from the page.
 * </ul>
 *
 * Reads answer GET only and writes POST only (405 otherwise). Every request must carry a Host this
 * console answers to, every write an Origin of that host ({@link RequestGuard}).
 */
public final class ConsoleServer implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String ASSETS = "/io/fenceq/local/console/";
  private static final int MAX_FORM_BYTES = 64 * 1024;
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

  /** Starts serving {@code state}, read-only and without dead-letter endpoints. */
  public static ConsoleServer start(InetSocketAddress address, ConsoleState state) {
    return start(address, state, null);
  }

  /**
   * Starts serving {@code state} and, unless null, {@code deadLetters} on {@code address}; port 0
   * picks a free one.
   */
  public static ConsoleServer start(
      InetSocketAddress address, ConsoleState state, DeadLetterConsole deadLetters) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on " + address + ": " + e.getMessage(), e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4, Thread.ofPlatform().name("fenceq-console-", 0).daemon(true).factory());
    server.setExecutor(executor);
    RequestGuard guard = new RequestGuard(address.getAddress());
    boolean writes = deadLetters != null && deadLetters.writesAllowed();
    server.createContext(
        "/api/state",
        exchange ->
            handle(exchange, guard, "GET", () -> json(state.read(writes, deadLetters != null))));
    server.createContext(
        "/api/dlq",
        exchange -> handle(exchange, guard, method(exchange), () -> dlq(exchange, deadLetters)));
    server.createContext("/", exchange -> handle(exchange, guard, "GET", () -> asset(exchange)));
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

  /** The method a dead-letter path takes: POST for the writes, GET for the rest. */
  private static String method(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    return path.equals("/api/dlq/redrive") || path.equals("/api/dlq/delete") ? "POST" : "GET";
  }

  private static void handle(HttpExchange exchange, RequestGuard guard, String method, Handler h)
      throws IOException {
    try (exchange) {
      Response response;
      try {
        String host = exchange.getRequestHeaders().getFirst("Host");
        guard.checkHost(host);
        if (!method.equals(exchange.getRequestMethod())) {
          response =
              text(
                  405,
                  method.equals("GET")
                      ? exchange.getRequestURI().getPath() + " is read-only: GET only"
                      : exchange.getRequestURI().getPath() + " changes the queue: POST only");
        } else {
          if (method.equals("POST")) {
            guard.checkWriteOrigin(
                host,
                exchange.getRequestHeaders().getFirst("Origin"),
                exchange.getRequestHeaders().getFirst("Sec-Fetch-Site"));
          }
          response = h.respond();
        }
      } catch (ConsoleRequestException e) {
        response = text(e.status(), e.getMessage());
      } catch (RuntimeException e) {
        log.warn(
            "event=console_error path={} error=\"{}\"", exchange.getRequestURI(), e.toString());
        response = text(500, e.getMessage() == null ? e.toString() : e.getMessage());
      }
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
      exchange.sendResponseHeaders(response.status(), response.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(response.body());
      }
    }
  }

  private static Response dlq(HttpExchange exchange, DeadLetterConsole deadLetters)
      throws IOException {
    if (deadLetters == null) {
      return text(404, "no dead-letter queue: start the console with --dlq-url and --queue-url");
    }
    String path = exchange.getRequestURI().getPath();
    return switch (path) {
      case "/api/dlq" -> json(deadLetters.list());
      case "/api/dlq/job" -> {
        List<String> ids =
            form(exchange.getRequestURI().getRawQuery()).getOrDefault("jobId", List.of());
        if (ids.size() != 1) {
          yield text(400, "name one job: /api/dlq/job?jobId=<jobId>");
        }
        yield deadLetters
            .show(ids.get(0))
            .map(ConsoleServer::json)
            .orElse(
                text(
                    404,
                    "job "
                        + ids.get(0)
                        + " is not readable in the dead-letter queue (gone, or behind others of"
                        + " its lane)"));
      }
      case "/api/dlq/redrive" -> json(deadLetters.redrive(body(exchange)));
      case "/api/dlq/delete" -> json(deadLetters.delete(body(exchange)));
      default -> text(404, "not found");
    };
  }

  private static Map<String, List<String>> body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_FORM_BYTES + 1);
      if (bytes.length > MAX_FORM_BYTES) {
        throw new ConsoleRequestException(413, "form larger than " + MAX_FORM_BYTES + " bytes");
      }
      return form(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  /** An {@code application/x-www-form-urlencoded} string's fields, repeated ones in order. */
  static Map<String, List<String>> form(String encoded) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return fields;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        fields
            .computeIfAbsent(
                URLDecoder.decode(name, StandardCharsets.UTF_8), n -> new ArrayList<>())
            .add(URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new ConsoleRequestException(400, "malformed form field: " + e.getMessage());
      }
    }
    return fields;
  }

  private static Response json(String body) {
    return new Response(200, "application/json", body.getBytes(StandardCharsets.UTF_8));
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
