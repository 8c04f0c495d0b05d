package io.fenceq.local.internal;

import io.fenceq.local.LocalAws;
import io.fenceq.local.LocalAwsException;
import io.fenceq.local.PortInUseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.rest.sqs.TheSQSRestServerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ElasticMQ serving the SQS API on the loopback interface, in this JVM.
 *
 * <p>It runs on an actor system of its own, named {@link LocalAws#SQS_THREAD_PREFIX} plus a number
 * (so are its threads), and terminates it on stop. ElasticMQ only terminates actor systems it
 * created once the HTTP binding succeeded; after a failed bind (a port in use) its own system would
 * stay up with non-daemon threads.
 */
public final class EmbeddedSqs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedSqs.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final Duration TERMINATION = Duration.ofSeconds(30);

  /** ElasticMQ listens here only; queue URLs carry this address. */
  public static final String INTERFACE = "127.0.0.1";

  private final ActorSystem actorSystem;
  private final SQSRestServer server;
  private final int port;

  private EmbeddedSqs(ActorSystem actorSystem, SQSRestServer server, int port) {
    this.actorSystem = actorSystem;
    this.server = server;
    this.port = port;
  }

  /**
   * Starts ElasticMQ and waits until it listens.
   *
   * @param port the port, or 0 for any free one
   * @param region the region in queue ARNs
   * @param accountId the account in queue URLs and ARNs
   * @throws LocalAwsException naming the port if it is in use or the server fails to start
   */
  public static EmbeddedSqs start(int port, String region, String accountId) {
    ActorSystem actorSystem =
        ActorSystem.create(LocalAws.SQS_THREAD_PREFIX + INSTANCES.incrementAndGet());
    try {
      TheSQSRestServerBuilder builder =
          SQSRestServerBuilder.withActorSystem(actorSystem)
              .withInterface(INTERFACE)
              .withAWSRegion(region)
              .withAWSAccountId(accountId);
      SQSRestServer server =
          (port == 0 ? builder.withDynamicPort() : builder.withPort(port)).start();
      int bound = server.waitUntilStarted().localAddress().getPort();
      log.debug(
          "elasticmq listening address={}:{} actorSystem={}", INTERFACE, bound, actorSystem.name());
      return new EmbeddedSqs(actorSystem, server, bound);
    } catch (Exception e) {
      terminate(actorSystem);
      String where = INTERFACE + ":" + (port == 0 ? "<any free port>" : port);
      if (BindFailures.isBindFailure(e)) {
        throw new PortInUseException(
            PortInUseException.Service.SQS,
            port,
            "ElasticMQ (SQS) cannot listen on "
                + where
                + ": the port is already in use; choose another SQS port or 0 for any free one",
            e);
      }
      throw new LocalAwsException("ElasticMQ (SQS) failed to start on " + where + ": " + e, e);
    }
  }

  /** The port ElasticMQ listens on. */
  public int port() {
    return port;
  }

  /** Unbinds the port and terminates the actor system, waiting for both. */
  @Override
  public void close() {
    try {
      server.stopAndWait();
    } catch (Exception e) {
      terminate(actorSystem);
      throw new LocalAwsException("ElasticMQ (SQS) on port " + port + " did not stop: " + e, e);
    }
    terminate(actorSystem);
    log.debug("elasticmq stopped port={}", port);
  }

  private static void terminate(ActorSystem actorSystem) {
    actorSystem.terminate();
    try {
      actorSystem
          .getWhenTerminated()
          .toCompletableFuture()
          .get(TERMINATION.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("elasticmq actor system did not terminate actorSystem={}", actorSystem.name(), e);
    }
  }
}
