package dev.warden.agent.egress;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hosts and ports hooked clients are sending to through Warden right now. A connection to a
 * site's host and port made while none is under way there did not come from a hooked client, as far
 * as Warden can tell.
 */
public final class ManagedConnections {

  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /** A hooked client starts sending to this URI's host and port. */
  public String begin(URI uri) {
    String host = dev.warden.policy.SiteUrl.hostOf(uri);
    return begin(host == null ? "" : host, port(uri));
  }

  /** A hooked client starts sending to this host and port (the scheme's default resolved). */
  public String begin(String host, int port) {
    String key = key(host, port);
    inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return key;
  }

  /** The send that {@link #begin} returned {@code key} for has ended. */
  public void end(String key) {
    AtomicInteger count = inFlight.get(key);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /** Whether a hooked client is sending to this host and port now. */
  public boolean active(String host, int port) {
    AtomicInteger count = inFlight.get(key(host, port));
    return count != null && count.get() > 0;
  }

  private static int port(URI uri) {
    return dev.warden.policy.SiteUrl.effectivePort(uri);
  }

  private static String key(String host, int port) {
    // Every spelling of a site's host is one key, the site's: see SiteUrl.canonicalHost.
    return dev.warden.policy.SiteUrl.canonicalHost(host) + ":" + port;
  }
}
