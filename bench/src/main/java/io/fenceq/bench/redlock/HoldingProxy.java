package io.fenceq.bench.redlock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on a loopback port in front of one server; bytes in either direction wait while
 * {@link Faults} holds the worker's traffic.
 */
final class HoldingProxy implements AutoCloseable {
  private final ServerSocket server;
  private volatile int upstreamPort;
  private final Faults faults;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  HoldingProxy(int upstreamPort, Faults faults) throws IOException {
    this.server = new ServerSocket();
    this.server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.upstreamPort = upstreamPort;
    this.faults = faults;
    Thread.ofPlatform().name("bench-proxy-" + port()).daemon(true).start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  /**
   * Points new connections at another server and drops the open ones, as a failover's address
   * change does: the clients reconnect, to {@code port}.
   */
  void retarget(int port) {
    upstreamPort = port;
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    sockets.clear();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        // closed, or the upstream refused: the client sees its connection drop
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread.ofPlatform()
        .name("bench-proxy-pump")
        .daemon(true)
        .start(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  faults.awaitClear();
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            });
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    sockets.forEach(HoldingProxy::closeQuietly);
  }
}
