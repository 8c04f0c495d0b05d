package io.fenceq.local.internal;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The buckets and objects of {@link EmbeddedS3}, and its answers to path-style S3 requests ({@code
 * /bucket} and {@code /bucket/key}). Error answers are S3's XML with S3's codes ({@code
 * NoSuchBucket}, {@code NoSuchKey}, {@code BucketNotEmpty}), so the SDK raises its own modelled
 * exceptions.
 */
final class S3Objects {
  /** Bucket sub-resources that are stored as given and answered back; none is enforced. */
  private static final java.util.Set<String> SETTINGS =
      java.util.Set.of("lifecycle", "encryption", "publicAccessBlock", "policy", "tagging");

  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private record StoredObject(byte[] data, String etag, String contentType, Instant modified) {}

  private record Bucket(
      NavigableMap<String, StoredObject> objects, Map<String, byte[]> settings, Instant created) {}

  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  void createBucket(String name) {
    buckets.computeIfAbsent(
        name,
        n -> new Bucket(new ConcurrentSkipListMap<>(), new ConcurrentHashMap<>(), Instant.now()));
  }

  int count(String bucket) {
    Bucket b = buckets.get(bucket);
    return b == null ? -1 : b.objects().size();
  }

  void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String rest = path.length() > 1 ? path.substring(1) : "";
      int slash = rest.indexOf('/');
      String bucket = decode(slash < 0 ? rest : rest.substring(0, slash));
      String key =
          slash < 0 || slash == rest.length() - 1 ? null : decode(rest.substring(slash + 1));
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String method = exchange.getRequestMethod();
      if (bucket.isEmpty()) {
        error(exchange, 400, "InvalidRequest", "path-style requests only: /bucket[/key]", "/");
      } else if (key == null) {
        bucketRequest(exchange, method, bucket, query);
      } else {
        objectRequest(exchange, method, bucket, key);
      }
    }
  }

  private void bucketRequest(
      HttpExchange exchange, String method, String name, Map<String, String> query)
      throws IOException {
    String setting = query.keySet().stream().filter(SETTINGS::contains).findFirst().orElse(null);
    Bucket bucket = buckets.get(name);
    if (method.equals("PUT") && setting == null) {
      readBody(exchange); // the location constraint, if any
      buckets.computeIfAbsent(
          name,
          n -> new Bucket(new ConcurrentSkipListMap<>(), new ConcurrentHashMap<>(), Instant.now()));
      exchange.getResponseHeaders().add("Location", "/" + name);
      empty(exchange, 200);
      return;
    }
    if (bucket == null) {
      error(exchange, 404, "NoSuchBucket", "The specified bucket does not exist", "/" + name);
      return;
    }
    switch (method) {
      case "HEAD" -> empty(exchange, 200);
      case "PUT" -> {
        bucket.settings().put(setting, readBody(exchange));
        empty(exchange, 200);
      }
      case "GET" -> {
        if (setting != null) {
          byte[] stored = bucket.settings().get(setting);
          if (stored == null) {
            error(exchange, 404, "NoSuchConfiguration", "no " + setting + " configuration", name);
          } else {
            send(exchange, 200, "application/xml", stored);
          }
        } else {
          list(exchange, name, bucket, query);
        }
      }
      case "DELETE" -> {
        if (setting != null) {
          bucket.settings().remove(setting);
          empty(exchange, 204);
        } else if (!bucket.objects().isEmpty()) {
          error(
              exchange, 409, "BucketNotEmpty", "The bucket you tried to delete is not empty", name);
        } else {
          buckets.remove(name);
          empty(exchange, 204);
        }
      }
      default -> error(exchange, 405, "MethodNotAllowed", method + " is not supported", name);
    }
  }

  private void objectRequest(HttpExchange exchange, String method, String name, String key)
      throws IOException {
    Bucket bucket = buckets.get(name);
    if (bucket == null) {
      error(exchange, 404, "NoSuchBucket", "The specified bucket does not exist", "/" + name);
      return;
    }
    switch (method) {
      case "PUT" -> {
        byte[] data = readBody(exchange);
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        StoredObject stored =
            new StoredObject(
                data,
                '"' + md5(data) + '"',
                contentType == null ? "binary/octet-stream" : contentType,
                Instant.now());
        bucket.objects().put(key, stored);
        exchange.getResponseHeaders().add("ETag", stored.etag());
        empty(exchange, 200);
      }
      case "GET", "HEAD" -> {
        StoredObject stored = bucket.objects().get(key);
        if (stored == null) {
          error(exchange, 404, "NoSuchKey", "The specified key does not exist.", key);
          return;
        }
        exchange.getResponseHeaders().add("ETag", stored.etag());
        exchange.getResponseHeaders().add("Last-Modified", HTTP_DATE.format(stored.modified()));
        if (method.equals("HEAD")) {
          exchange.getResponseHeaders().add("Content-Type", stored.contentType());
          exchange
              .getResponseHeaders()
              .add("Content-Length", Integer.toString(stored.data().length));
          exchange.sendResponseHeaders(200, -1);
        } else {
          send(exchange, 200, stored.contentType(), stored.data());
        }
      }
      case "DELETE" -> {
        bucket.objects().remove(key);
        empty(exchange, 204);
      }
      default -> error(exchange, 405, "MethodNotAllowed", method + " is not supported", key);
    }
  }

  /** ListObjectsV2 (and V1's answer shape): every key under the prefix, never truncated. */
  private static void list(
      HttpExchange exchange, String name, Bucket bucket, Map<String, String> query)
      throws IOException {
    String prefix = query.getOrDefault("prefix", "");
    StringBuilder xml = new StringBuilder();
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .append("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">")
        .append("<Name>")
        .append(escape(name))
        .append("</Name><Prefix>")
        .append(escape(prefix))
        .append("</Prefix>");
    int count = 0;
    StringBuilder contents = new StringBuilder();
    for (Map.Entry<String, StoredObject> e : bucket.objects().tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      count++;
      contents
          .append("<Contents><Key>")
          .append(escape(e.getKey()))
          .append("</Key><LastModified>")
          .append(DateTimeFormatter.ISO_INSTANT.format(e.getValue().modified()))
          .append("</LastModified><ETag>")
          .append(escape(e.getValue().etag()))
          .append("</ETag><Size>")
          .append(e.getValue().data().length)
          .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
    }
    xml.append("<KeyCount>")
        .append(count)
        .append("</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>")
        .append(contents)
        .append("</ListBucketResult>");
    send(exchange, 200, "application/xml", xml.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The request's body; an {@code aws-chunked} upload (the SDK's streaming signature, or its
   * trailing checksum) is decoded to the object's bytes.
   */
  private static byte[] readBody(HttpExchange exchange) throws IOException {
    byte[] raw;
    try (InputStream in = exchange.getRequestBody()) {
      raw = in.readAllBytes();
    }
    String sha = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    boolean chunked =
        (sha != null && sha.startsWith("STREAMING-"))
            || (encoding != null && encoding.contains("aws-chunked"));
    return chunked ? unchunk(raw) : raw;
  }

  /** {@code hex-size[;chunk-signature=...]\r\n data \r\n ... 0[;...]\r\n [trailers] \r\n}. */
  static byte[] unchunk(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    int at = 0;
    while (at < raw.length) {
      int lineEnd = indexOfCrlf(raw, at);
      if (lineEnd < 0) {
        throw new IOException("aws-chunked body: a chunk header has no line end");
      }
      String header = new String(raw, at, lineEnd - at, StandardCharsets.US_ASCII);
      int semicolon = header.indexOf(';');
      int size =
          Integer.parseInt((semicolon < 0 ? header : header.substring(0, semicolon)).strip(), 16);
      at = lineEnd + 2;
      if (size == 0) {
        break; // trailers (checksums) follow; the object is complete
      }
      if (at + size > raw.length) {
        throw new IOException("aws-chunked body: a chunk of " + size + " bytes is cut short");
      }
      out.write(raw, at, size);
      at += size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] raw, int from) {
    for (int i = from; i + 1 < raw.length; i++) {
      if (raw[i] == '\r' && raw[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static void error(
      HttpExchange exchange, int status, String code, String message, String resource)
      throws IOException {
    String xml =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
            + code
            + "</Code><Message>"
            + escape(message)
            + "</Message><Resource>"
            + escape(resource)
            + "</Resource></Error>";
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    send(exchange, status, "application/xml", xml.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void empty(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      query.put(
          decode(eq < 0 ? part : part.substring(0, eq)),
          eq < 0 ? "" : decode(part.substring(eq + 1)));
    }
    return query;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String md5(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JDK", e);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
