package dev.warden.agent.bootstrap;

import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;

/** The hook on the JDK's {@code http} and {@code https} URL handlers. */
public interface UrlConnectionHook {

  /** Lets every connection through. */
  UrlConnectionHook PASS_THROUGH = (connection, url, proxy) -> connection;

  /**
   * Called with every connection the handlers open.
   *
   * @param connection the JDK's connection
   * @param url its URL
   * @param proxy the proxy asked for, or {@code null}
   * @return the connection the application gets: the same one, or Warden's in front of it
   */
  URLConnection opened(URLConnection connection, URL url, Proxy proxy);
}
