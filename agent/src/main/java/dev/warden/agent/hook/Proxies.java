package dev.warden.agent.hook;

import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.util.List;

/**
 * Whether a client's request goes through a proxy, as the JDK's proxy settings say: what {@link
 * dev.warden.agent.bootstrap.ClientCall#forwardProxied} asks of the clients that take them.
 */
public final class Proxies {

  private Proxies() {}

  /** Whether {@code proxy} is one (not {@code DIRECT}). */
  public static boolean through(Proxy proxy) {
    return proxy != null && proxy.type() != Proxy.Type.DIRECT;
  }

  /**
   * Whether {@code selector} sends a request to {@code uri} through a proxy; a selector that fails
   * counts as one (the request is then not sent with a credential: fails closed).
   */
  public static boolean through(ProxySelector selector, URI uri) {
    if (selector == null) {
      return false;
    }
    List<Proxy> proxies;
    try {
      proxies = selector.select(uri);
    } catch (RuntimeException e) {
      return true;
    }
    // A client takes the first the selector lists.
    return proxies != null && !proxies.isEmpty() && through(proxies.get(0));
  }
}
