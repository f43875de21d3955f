package dev.warden.testapps.fakejira;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty servers for the fakes: HTTP/1.1 and h2c in clear, and HTTP/1.1 and h2 over TLS, on free
 * loopback ports.
 */
public final class Servers {

  private Servers() {}

  /** A started server; {@code tls} adds an HTTPS connector (the second connector). */
  static Server start(String name, Handler handler, Tls tls) throws Exception {
    return start(name, handler, tls, 0);
  }

  /** A started server whose clear connector listens on {@code port} (0: a free one). */
  static Server start(String name, Handler handler, Tls tls, int port) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName(name);
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    ServerConnector clear =
        new ServerConnector(
            server, new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
    clear.setHost("127.0.0.1");
    clear.setPort(port);
    server.addConnector(clear);
    if (tls != null) {
      HttpConfiguration secure = new HttpConfiguration(config);
      SecureRequestCustomizer customizer = new SecureRequestCustomizer();
      customizer.setSniHostCheck(false);
      secure.addCustomizer(customizer);
      HttpConnectionFactory http1 = new HttpConnectionFactory(secure);
      HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(secure);
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
      alpn.setDefaultProtocol(http1.getProtocol());
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(tls.keyStore().toString());
      ssl.setKeyStorePassword(tls.password());
      ssl.setKeyStoreType("PKCS12");
      ServerConnector https =
          new ServerConnector(
              server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, http2, http1);
      https.setHost("127.0.0.1");
      https.setPort(0);
      server.addConnector(https);
    }
    server.setHandler(handler);
    server.start();
    return server;
  }

  /** Stops a server; a server that will not stop is a broken test environment. */
  public static void stop(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop " + server, e);
    }
  }

  static int port(Server server, int connector) {
    return ((ServerConnector) server.getConnectors()[connector]).getLocalPort();
  }
}
