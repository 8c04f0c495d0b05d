package io.fenceq.local.internal;

import com.sun.net.httpserver.HttpServer;
import io.fenceq.local.LocalAwsException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the S3 REST API that fenceq's large payloads use, in memory, on the loopback
 * interface, in this JVM: buckets (create, head, delete, list objects) and objects (put, get, head,
 * delete), path-style, with the SDK's {@code aws-chunked} uploads; a bucket's lifecycle, encryption
 * and public-access settings are accepted and kept, not enforced. Requests are not authenticated.
 *
 * <p>Why not a full emulator: S3Mock (Spring Boot 4 and Kotlin in its 5.x line) would put a second
 * Spring Boot and its Jackson on the CLI's class path, next to the Spring Boot 3.5 the project
 * builds on, and takes seconds to start; S3Proxy brings jclouds and a Jetty that clashes with
 * DynamoDB Local's. This server is the JDK's own {@link HttpServer}: no dependency, a few
 * milliseconds to start, and the real SDK client on the real wire protocol against it.
 *
 * <p>Threads: a daemon pool named {@code fenceq-s3-<n>-<i>}.
 */
public final class EmbeddedS3 implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final HttpServer server;
  private final ExecutorService threads;
  private final S3Objects objects;

  private EmbeddedS3(HttpServer server, ExecutorService threads, S3Objects objects) {
    this.server = server;
    this.threads = threads;
    this.objects = objects;
  }

  /**
   * Starts the server on {@value EmbeddedSqs#INTERFACE}.
   *
   * @param port the port, or 0 for any free one
   * @throws LocalAwsException naming the port if it cannot listen
   */
  public static EmbeddedS3 start(int port) {
    int instance = INSTANCES.incrementAndGet();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService threads =
        Executors.newFixedThreadPool(
            4,
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("fenceq-s3-" + instance + "-" + threadNumber.incrementAndGet())
                    .unstarted(r));
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(EmbeddedSqs.INTERFACE, port), 64);
      S3Objects objects = new S3Objects();
      server.createContext("/", objects::handle);
      server.setExecutor(threads);
      server.start();
      log.debug(
          "embedded s3 listening address={}:{}",
          EmbeddedSqs.INTERFACE,
          server.getAddress().getPort());
      return new EmbeddedS3(server, threads, objects);
    } catch (IOException e) {
      threads.shutdownNow();
      throw new LocalAwsException(
          "the embedded S3 cannot listen on "
              + EmbeddedSqs.INTERFACE
              + ":"
              + (port == 0 ? "<any free port>" : port)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Creates {@code bucket} in this JVM, without a request; an existing bucket stays as it is. So a
   * stack is provisioned without building an S3 client, which costs seconds on a cold JVM.
   */
  public void createBucket(String bucket) {
    objects.createBucket(bucket);
  }

  /** The objects in {@code bucket}, for checks; -1 if there is no such bucket. */
  public int objectCount(String bucket) {
    return objects.count(bucket);
  }

  /** Stops listening at once and ends its threads; the data is gone. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.debug("embedded s3 stopped port={}", server.getAddress().getPort());
  }

  @Override
  public String toString() {
    return "EmbeddedS3[" + EmbeddedSqs.INTERFACE + ":" + port() + "]";
  }
}
