package io.fenceq.local.console;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/**
 * Refuses requests that did not come from the console's own page. Every request must name a host
 * ({@code Host}); a console bound to loopback answers only to loopback host names, so a page on
 * another site cannot reach it through a rebound DNS name. A write must carry an {@code Origin}
 * equal to {@code http://<Host>} (browsers send it on every POST), so another site's page cannot
 * post to it even when the console is bound off loopback.
 */
final class RequestGuard {
  private final boolean loopbackOnly;

  RequestGuard(InetAddress bound) {
    this.loopbackOnly = bound.isLoopbackAddress();
  }

  /** Throws 403 with the reason unless {@code host} may be served. */
  void checkHost(String host) {
    if (host == null || host.isBlank()) {
      throw new ConsoleRequestException(403, "no Host header");
    }
    if (loopbackOnly && !isLoopbackName(hostName(host))) {
      throw new ConsoleRequestException(
          403, "host " + host + " is not this console's loopback address");
    }
  }

  /** Throws 403 with the reason unless a write's {@code origin} is the console's own page. */
  void checkWriteOrigin(String host, String origin, String fetchSite) {
    if (origin == null || origin.isBlank()) {
      throw new ConsoleRequestException(
          403, "cross-origin check: a write needs an Origin header of http://" + host);
    }
    if (!origin.equalsIgnoreCase("http://" + host)) {
      throw new ConsoleRequestException(
          403, "cross-origin write refused: Origin " + origin + " is not http://" + host);
    }
    if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
      throw new ConsoleRequestException(
          403, "cross-origin write refused: Sec-Fetch-Site " + fetchSite);
    }
  }

  static String hostName(String host) {
    try {
      String name = URI.create("http://" + host + "/").getHost();
      return name == null ? host : name;
    } catch (IllegalArgumentException e) {
      return host;
    }
  }

  private static boolean isLoopbackName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("localhost")
        || n.endsWith(".localhost")
        || n.equals("[::1]")
        || n.equals("::1")
        || n.matches("127(\\.\\d{1,3}){3}");
  }
}
