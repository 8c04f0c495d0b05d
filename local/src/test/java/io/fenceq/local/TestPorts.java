package io.fenceq.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports that are free right now, for tests that need fixed ones. */
final class TestPorts {
  private TestPorts() {}

  static int freeLoopbackPort() {
    return free(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  static int freePortOnAllInterfaces() {
    return free(new InetSocketAddress(0));
  }

  static boolean isFreeOnAllInterfaces(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean isFreeOnLoopback(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int free(InetSocketAddress address) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(address);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
