package io.fenceq.testing.faults;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 in front of one endpoint (ElasticMQ, DynamoDB Local, any HTTP/1.1
 * server), through which the network between a worker and AWS can be slowed down or cut. Point a
 * client at {@link #endpoint()} instead of the real endpoint; keep-alive connections work as usual,
 * since the proxy forwards bytes without reading HTTP.
 *
 * <ul>
 *   <li>{@link #delay(Duration)}: each chunk of bytes, in either direction, is held that long
 *       before it is forwarded, in order: a request and its answer each arrive at least that late.
 *   <li>{@link #hold(boolean) hold(true)} or {@link #holdFor(Duration)}: a partition that heals.
 *       Bytes in either direction wait in the proxy, in order, and are delivered when the hold
 *       ends: requests the client sent during it reach the server late (the zombie's write after a
 *       pause or a healed split), answers reach the client late. Connections stay open. Timeouts
 *       still fire on the client's side; what it sent before they did is delivered anyway.
 *   <li>{@link #drop(boolean) drop(true)}: a partition that loses everything. Bytes in either
 *       direction are discarded, new connections are accepted but nothing they send arrives, so the
 *       client sees no error, only silence, until its own timeouts fire, as with a real black hole
 *       (a firewall dropping packets, a network split). Nothing is answered, so an SDK client needs
 *       an attempt timeout ({@code AwsClients.Options.apiCallAttemptTimeout}) to notice before its
 *       socket timeout.
 *   <li>When the drop ends, every connection that lost bytes is reset (RST). A partition that loses
 *       a request or an answer mid-stream leaves the HTTP/1.1 framing on that connection broken:
 *       continuing it could pair a later answer with an earlier request, which no real network does
 *       (TCP retransmits or gives up). A reset is what the client gets when a real partition
 *       outlived the connection. Connections that were idle during the drop lose nothing and carry
 *       on, like pooled keep-alive connections across a short real partition.
 * </ul>
 *
 * <p>{@link #retarget(URI)} models a failover's address change: new connections go to the new
 * upstream and the open ones are closed, so clients reconnect there.
 *
 * <p>It models latency and partitions between this process and one endpoint, not packet loss with
 * retransmission, bandwidth limits or one-way partitions. Thread-safe. Its threads are daemons
 * named {@code fenceq-proxy-<name>-...}; {@link #close()} ends them and every connection.
 */
public final class FaultProxy implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);
  private static final int CHUNK = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  private final String name;
  private volatile InetSocketAddress upstream;
  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Object faultLock = new Object();
  private volatile Duration delay = Duration.ZERO;
  private volatile boolean dropping;
  private final Object holdLock = new Object();
  // Guarded by holdLock: an open-ended hold, or the System.nanoTime() a timed hold ends at.
  private boolean holding;
  private long holdEndsAt = System.nanoTime();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong delayedChunks = new AtomicLong();
  private final AtomicLong delayedNanos = new AtomicLong();
  private final AtomicLong droppedBytes = new AtomicLong();
  private final AtomicLong droppedConnections = new AtomicLong();
  private final AtomicLong resets = new AtomicLong();
  private final AtomicLong heldChunks = new AtomicLong();
  private final AtomicLong heldNanos = new AtomicLong();

  private FaultProxy(String name, InetSocketAddress upstream, ServerSocket server) {
    this.name = name;
    this.upstream = upstream;
    this.server = server;
    this.acceptor =
        Thread.ofPlatform()
            .name("fenceq-proxy-" + name + "-accept")
            .daemon(true)
            .unstarted(this::accept);
  }

  /**
   * Starts a proxy for {@code upstream} ({@code http://host:port}) on an ephemeral port of
   * 127.0.0.1.
   *
   * @param name names the threads and log lines, e.g. {@code dynamodb-w1}
   * @throws IllegalArgumentException if {@code upstream} has no host and port
   * @throws java.io.UncheckedIOException if no port can be bound
   */
  public static FaultProxy start(String name, URI upstream) {
    Objects.requireNonNull(name, "name");
    InetSocketAddress address = address(name, upstream);
    ServerSocket server;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("proxy " + name + " cannot bind 127.0.0.1", e);
    }
    FaultProxy proxy = new FaultProxy(name, address, server);
    proxy.acceptor.start();
    log.info(
        "event=fault_proxy_started proxy={} endpoint={} upstream={}",
        name,
        proxy.endpoint(),
        upstream);
    return proxy;
  }

  private static InetSocketAddress address(String name, URI upstream) {
    Objects.requireNonNull(upstream, "upstream");
    if (upstream.getHost() == null || upstream.getPort() < 0) {
      throw new IllegalArgumentException(
          "upstream of proxy " + name + " needs a host and a port, was " + upstream);
    }
    return new InetSocketAddress(upstream.getHost(), upstream.getPort());
  }

  /**
   * Where clients connect: {@code http://127.0.0.1:<port>}. For a protocol other than HTTP, take
   * its {@link #port()}.
   */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** The port clients connect to on 127.0.0.1. */
  public int port() {
    return server.getLocalPort();
  }

  /** Holds every chunk that long from now on; {@link Duration#ZERO} forwards at once. */
  public void delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException(
          "delay of proxy " + name + " must not be negative, was " + delay);
    }
    this.delay = delay;
  }

  public Duration delay() {
    return delay;
  }

  /**
   * Starts ({@code true}) or ends a partition. Ending it resets the connections that lost bytes
   * (see the class comment).
   */
  public void drop(boolean drop) {
    synchronized (faultLock) {
      boolean was = dropping;
      dropping = drop;
      if (was && !drop) {
        resetDamagedLinks();
      }
    }
    log.info("event=fault_proxy_drop proxy={} dropping={}", name, drop);
  }

  public boolean dropping() {
    return dropping;
  }

  /**
   * Starts ({@code true}) or ends a hold: while it lasts, bytes wait in the proxy; when it ends,
   * they are delivered in order (see the class comment). Ending it also ends a {@link #holdFor}.
   */
  public void hold(boolean hold) {
    synchronized (holdLock) {
      holding = hold;
      if (!hold) {
        holdEndsAt = System.nanoTime();
      }
      holdLock.notifyAll();
    }
    log.info("event=fault_proxy_hold proxy={} holding={}", name, hold);
  }

  /**
   * Holds bytes for {@code duration} from now, then delivers them: a partition or a pause that
   * heals by itself. A later call replaces the end; {@link Duration#ZERO} ends it now.
   */
  public void holdFor(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "hold of proxy " + name + " must not be negative, was " + duration);
    }
    synchronized (holdLock) {
      holding = false;
      holdEndsAt = System.nanoTime() + duration.toNanos();
      holdLock.notifyAll();
    }
    // Debug: a run of timed holds (a benchmark's repeated pauses) would flood the log.
    log.debug("event=fault_proxy_hold proxy={} holdingForMs={}", name, duration.toMillis());
  }

  /** Whether bytes wait now, by {@link #hold(boolean)} or a {@link #holdFor} not yet over. */
  public boolean holding() {
    synchronized (holdLock) {
      return holding || holdEndsAt - System.nanoTime() > 0;
    }
  }

  /**
   * Sends new connections to {@code upstream} and closes the open ones, as a failover that moves
   * the service to another address does: clients reconnect, to the new one.
   *
   * @throws IllegalArgumentException if {@code upstream} has no host and port
   */
  public void retarget(URI upstream) {
    this.upstream = address(name, upstream);
    for (Link link : links) {
      link.close();
    }
    log.info("event=fault_proxy_retargeted proxy={} upstream={}", name, upstream);
  }

  /** No delay, no hold, no drop. */
  public void heal() {
    delay(Duration.ZERO);
    hold(false);
    drop(false);
  }

  /** Connections accepted so far. */
  public long connections() {
    return connections.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return links.size();
  }

  /** Chunks held back by a delay. */
  public long delayedChunks() {
    return delayedChunks.get();
  }

  /** Nanoseconds chunks were held in total, as measured around each hold. */
  public long delayedNanos() {
    return delayedNanos.get();
  }

  /** Bytes discarded by drops. */
  public long droppedBytes() {
    return droppedBytes.get();
  }

  /** Connections that lost bytes to a drop. */
  public long droppedConnections() {
    return droppedConnections.get();
  }

  /** Chunks that waited, or wait now, for a hold to end. */
  public long heldChunks() {
    return heldChunks.get();
  }

  /** Nanoseconds chunks waited for holds in total, as measured around each wait. */
  public long heldNanos() {
    return heldNanos.get();
  }

  /** Connections reset when a drop ended. */
  public long resets() {
    return resets.get();
  }

  /** Stops accepting and resets every connection. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      log.debug("event=fault_proxy_close_failed proxy={} error={}", name, e.toString());
    }
    links.forEach(Link::reset);
    synchronized (holdLock) {
      holdLock.notifyAll(); // held chunks are not delivered: their links are reset
    }
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info(
        "event=fault_proxy_stopped proxy={} connections={} delayedChunks={} heldChunks={}"
            + " droppedBytes={} resets={}",
        name,
        connections(),
        delayedChunks(),
        heldChunks(),
        droppedBytes(),
        resets());
  }

  @Override
  public String toString() {
    return "FaultProxy[" + name + " " + endpoint() + " -> " + upstream + "]";
  }

  private void resetDamagedLinks() {
    for (Link link : links) {
      if (link.damaged) {
        resets.incrementAndGet();
        link.reset();
      }
    }
  }

  private void accept() {
    while (!closed.get()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (!closed.get()) {
          log.warn("event=fault_proxy_accept_failed proxy={} error={}", name, e.toString());
        }
        return;
      }
      long number = connections.incrementAndGet();
      Socket remote = new Socket();
      InetSocketAddress target = upstream;
      try {
        client.setTcpNoDelay(true);
        remote.setTcpNoDelay(true);
        remote.connect(target, CONNECT_TIMEOUT_MILLIS);
      } catch (IOException e) {
        log.warn(
            "event=fault_proxy_upstream_unreachable proxy={} upstream={} error={}",
            name,
            target,
            e.toString());
        closeQuietly(client);
        closeQuietly(remote);
        continue;
      }
      Link link = new Link(client, remote);
      links.add(link);
      if (closed.get()) {
        link.reset();
        return;
      }
      String prefix = "fenceq-proxy-" + name + "-" + number;
      Thread.ofPlatform().name(prefix + "-up").daemon(true).start(() -> pump(link, client, remote));
      Thread.ofPlatform()
          .name(prefix + "-down")
          .daemon(true)
          .start(() -> pump(link, remote, client));
    }
  }

  /** Forwards one direction of a link until either side ends it. */
  private void pump(Link link, Socket from, Socket to) {
    byte[] buffer = new byte[CHUNK];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (n == 0) {
          continue;
        }
        awaitDelay();
        if (!awaitHoldEnd()) {
          return;
        }
        if (dropping) {
          lose(link, n);
          continue;
        }
        synchronized (faultLock) {
          // Checked again under the lock so that a chunk is never written to a link that the
          // end of a drop is resetting for the bytes it lost.
          if (dropping) {
            lose(link, n);
            continue;
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // A side closed or reset: the link is over.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      link.close();
      links.remove(link);
    }
  }

  /**
   * Waits while a hold is on.
   *
   * @return false if the proxy closed meanwhile, so the chunk goes nowhere
   */
  private boolean awaitHoldEnd() throws InterruptedException {
    long begun = System.nanoTime();
    boolean waited = false;
    synchronized (holdLock) {
      while (!closed.get()) {
        long left = holdEndsAt - System.nanoTime();
        if (!holding && left <= 0) {
          break;
        }
        if (!waited) {
          waited = true;
          heldChunks.incrementAndGet(); // counted as it starts waiting, so a test can see it
        }
        if (holding) {
          holdLock.wait();
        } else {
          TimeUnit.NANOSECONDS.timedWait(holdLock, left);
        }
      }
    }
    if (waited) {
      heldNanos.addAndGet(System.nanoTime() - begun);
    }
    return !closed.get();
  }

  private void awaitDelay() throws InterruptedException {
    Duration current = delay;
    if (current.isZero()) {
      return;
    }
    long begun = System.nanoTime();
    TimeUnit.NANOSECONDS.sleep(current.toNanos());
    delayedNanos.addAndGet(System.nanoTime() - begun);
    delayedChunks.incrementAndGet();
  }

  private void lose(Link link, int bytes) {
    droppedBytes.addAndGet(bytes);
    if (!link.damaged) {
      link.damaged = true;
      droppedConnections.incrementAndGet();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing after a failure; nothing more to do.
    }
  }

  /** A client connection and its upstream connection. */
  private static final class Link {
    private final Socket client;
    private final Socket remote;
    volatile boolean damaged;

    Link(Socket client, Socket remote) {
      this.client = client;
      this.remote = remote;
    }

    /** Closes both sides with RST (linger 0), as a connection a partition killed. */
    void reset() {
      for (Socket socket : new Socket[] {client, remote}) {
        try {
          socket.setSoLinger(true, 0);
        } catch (IOException e) {
          // Already closed: nothing to reset.
        }
        closeQuietly(socket);
      }
    }

    void close() {
      closeQuietly(client);
      closeQuietly(remote);
    }
  }
}
